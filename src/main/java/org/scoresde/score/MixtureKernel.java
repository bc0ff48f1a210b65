package org.scoresde.score;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.scoresde.nd4j.JavaArrays;

/**
 * The exact row-by-row evaluation, in double precision, of a Gaussian mixture diffused to
 * sum_k w_k N(gamma mu_k, gamma^2 Sigma_k + sigma^2 I): log density, score, Hessian-vector product,
 * Laplacian and responsibilities, all in the eigenbasis of each Sigma_k so that no matrix is formed
 * or inverted per time.
 */
final class MixtureKernel {
  /** Responsibilities below this are dropped from the score and its derivatives (their terms are below 1e-25). */
  private static final double NEGLIGIBLE = 1e-30;

  static final int SCORE = 1;
  static final int VJP = 2;
  static final int LOG_DENSITY = 4;
  static final int DIVERGENCE = 8;
  static final int RESPONSIBILITIES = 16;

  /** Outputs of one evaluation; arrays not asked for are null. Row-major [N, D], [N] or [N, K]. */
  record Result(double[] score, double[] vjp, double[] logDensity, double[] divergence, double[] responsibilities) {}

  private MixtureKernel() {}

  static Result evaluate(GaussianMixture g, double[] x, int n, double[] gamma, double[] sigma2, double[] v, int what) {
    int d = g.dimension();
    int k = g.components();
    boolean wantScore = (what & SCORE) != 0;
    boolean wantVjp = (what & VJP) != 0;
    boolean wantDiv = (what & DIVERGENCE) != 0;
    boolean wantResp = (what & RESPONSIBILITIES) != 0;
    boolean wantLog = (what & LOG_DENSITY) != 0;
    boolean needDerivatives = wantScore || wantVjp || wantDiv;
    double[] score = wantScore ? new double[n * d] : null;
    double[] hv = wantVjp ? new double[n * d] : null;
    double[] logDensity = wantLog ? new double[n] : null;
    double[] divergence = wantDiv ? new double[n] : null;
    double[] resp = wantResp ? new double[n * k] : null;

    double[] logWeight = new double[k];
    for (int c = 0; c < k; c++) {
      logWeight[c] = Math.log(g.weight(c));
    }
    double constant = -0.5 * d * GaussianMixture.log2Pi();
    double[] diff = new double[d];
    double[][] z = new double[k][d];
    double[][] lambda = new double[k][d];
    double[] logc = new double[k];
    double[] r = new double[k];
    double[] s = new double[d];
    double[] h = new double[d];
    double[] a = new double[d];
    double[] b = new double[d];

    for (int i = 0; i < n; i++) {
      int off = i * d;
      double gi = gamma[i];
      double g2 = gi * gi;
      double s2 = sigma2[i];
      for (int c = 0; c < k; c++) {
        double[] mu = g.rawMean(c);
        double[] l = g.rawEigenvalues(c);
        double[] u = g.rawEigenbasis(c);
        for (int m = 0; m < d; m++) {
          diff[m] = x[off + m] - gi * mu[m];
        }
        double quad = 0;
        double logDet = 0;
        double[] zc = z[c];
        double[] lc = lambda[c];
        for (int j = 0; j < d; j++) {
          int row = j * d;
          double y = 0;
          for (int m = 0; m < d; m++) {
            y += u[row + m] * diff[m];
          }
          double lam = g2 * l[j] + s2;
          double zj = y / lam;
          zc[j] = zj;
          lc[j] = lam;
          quad += y * zj;
          logDet += Math.log(lam);
        }
        logc[c] = logWeight[c] + constant - 0.5 * (logDet + quad);
      }
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < k; c++) {
        max = Math.max(max, logc[c]);
      }
      double total = 0;
      for (int c = 0; c < k; c++) {
        r[c] = Math.exp(logc[c] - max);
        total += r[c];
      }
      for (int c = 0; c < k; c++) {
        r[c] /= total;
      }
      if (wantLog) {
        logDensity[i] = max + Math.log(total);
      }
      if (wantResp) {
        System.arraycopy(r, 0, resp, i * k, k);
      }
      if (!needDerivatives) {
        continue;
      }
      Arrays.fill(s, 0);
      Arrays.fill(h, 0);
      double trace = 0;
      for (int c = 0; c < k; c++) {
        double rc = r[c];
        if (rc < NEGLIGIBLE) {
          continue;
        }
        double[] u = g.rawEigenbasis(c);
        double[] zc = z[c];
        double[] lc = lambda[c];
        for (int j = 0; j < d; j++) {
          a[j] = -rc * zc[j];
        }
        if (wantVjp) {
          double zw = 0;
          for (int j = 0; j < d; j++) {
            int row = j * d;
            double w = 0;
            for (int m = 0; m < d; m++) {
              w += u[row + m] * v[off + m];
            }
            b[j] = w;
            zw += zc[j] * w;
          }
          for (int j = 0; j < d; j++) {
            b[j] = rc * (zc[j] * zw - b[j] / lc[j]);
          }
          for (int j = 0; j < d; j++) {
            int row = j * d;
            double aj = a[j];
            double bj = b[j];
            for (int m = 0; m < d; m++) {
              double um = u[row + m];
              s[m] += aj * um;
              h[m] += bj * um;
            }
          }
        } else {
          for (int j = 0; j < d; j++) {
            int row = j * d;
            double aj = a[j];
            for (int m = 0; m < d; m++) {
              s[m] += aj * u[row + m];
            }
          }
        }
        if (wantDiv) {
          double t = 0;
          for (int j = 0; j < d; j++) {
            t += zc[j] * zc[j] - 1.0 / lc[j];
          }
          trace += rc * t;
        }
      }
      if (wantScore) {
        System.arraycopy(s, 0, score, off, d);
      }
      if (wantVjp) {
        double sv = 0;
        for (int m = 0; m < d; m++) {
          sv += s[m] * v[off + m];
        }
        for (int m = 0; m < d; m++) {
          hv[off + m] = h[m] - s[m] * sv;
        }
      }
      if (wantDiv) {
        double ss = 0;
        for (int m = 0; m < d; m++) {
          ss += s[m] * s[m];
        }
        divergence[i] = trace - ss;
      }
    }
    return new Result(score, hv, logDensity, divergence, resp);
  }

  /** log p of the mixture diffused with one (gamma, sigma) for every row of x. */
  static INDArray logDensity(GaussianMixture g, INDArray x, double gamma, double sigma) {
    checkShape(x, g.dimension());
    int n = (int) x.size(0);
    Result r = evaluate(g, flat(x), n, filled(n, gamma), filled(n, sigma * sigma), null, LOG_DENSITY);
    return JavaArrays.vector(r.logDensity(), x.dataType());
  }

  /** The index of the largest responsibility for every row of x. */
  static int[] mostLikely(GaussianMixture g, INDArray x, double gamma, double sigma) {
    checkShape(x, g.dimension());
    int n = (int) x.size(0);
    int k = g.components();
    double[] resp = evaluate(g, flat(x), n, filled(n, gamma), filled(n, sigma * sigma), null, RESPONSIBILITIES)
        .responsibilities();
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      int best = 0;
      for (int c = 1; c < k; c++) {
        if (resp[i * k + c] > resp[i * k + best]) {
          best = c;
        }
      }
      out[i] = best;
    }
    return out;
  }

  static void checkShape(INDArray x, int d) {
    if (x.rank() != 2 || x.size(1) != d) {
      throw new IllegalArgumentException("expected x of shape [N, " + d + "], got " + Arrays.toString(x.shape()));
    }
  }

  static double[] filled(int n, double value) {
    double[] a = new double[n];
    Arrays.fill(a, value);
    return a;
  }

  /** The entries of a in C order as doubles (a fresh array, also for views and other types). */
  static double[] flat(INDArray a) {
    return a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
  }

  /** The times of t [N] (or one time for every row) as doubles. */
  static double[] times(INDArray t, int n) {
    double[] v = flat(t);
    if (v.length == n) {
      return v;
    }
    if (v.length == 1) {
      return filled(n, v[0]);
    }
    throw new IllegalArgumentException("expected " + n + " times (one per row), got shape " + Arrays.toString(t.shape()));
  }
}
