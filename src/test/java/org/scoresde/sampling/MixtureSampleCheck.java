package org.scoresde.sampling;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.scoresde.score.GaussianMixture;

/**
 * Compares samples [N, D] with a Gaussian mixture: the mean and covariance against the mixture's
 * exact moments, and the share of samples whose most likely component is k against the same share
 * in a large reference sample. Each difference must lie within Z standard errors (Monte Carlo, from
 * the mixture's own moments) plus a discretisation allowance chosen by the caller.
 */
final class MixtureSampleCheck {
  /** 5 standard errors: with about 70 comparisons per check a false alarm has probability < 5e-5. */
  static final double Z = 5.0;
  private static final int REFERENCE = 100_000;

  private final GaussianMixture target;
  private final int d;
  private final double[] mean;
  private final double[][] cov;
  /** Standard deviation of (x_i - m_i)(x_j - m_j) under the target, from the reference sample. */
  private final double[][] productSd;
  private final double[] share;

  MixtureSampleCheck(GaussianMixture target) {
    this.target = target;
    this.d = target.dimension();
    int k = target.components();
    mean = new double[d];
    cov = new double[d][d];
    for (int c = 0; c < k; c++) {
      double w = target.weight(c);
      double[] m = target.mean(c);
      double[][] s = target.covariance(c);
      for (int i = 0; i < d; i++) {
        mean[i] += w * m[i];
        for (int j = 0; j < d; j++) {
          cov[i][j] += w * (s[i][j] + m[i] * m[j]);
        }
      }
    }
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        cov[i][j] -= mean[i] * mean[j];
      }
    }
    INDArray ref = target.sample(REFERENCE, 977, DataType.DOUBLE);
    double[] x = flat(ref);
    productSd = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        double s1 = 0;
        double s2 = 0;
        for (int r = 0; r < REFERENCE; r++) {
          double p = (x[r * d + i] - mean[i]) * (x[r * d + j] - mean[j]);
          s1 += p;
          s2 += p * p;
        }
        double m1 = s1 / REFERENCE;
        productSd[i][j] = Math.sqrt(s2 / REFERENCE - m1 * m1);
      }
    }
    share = shares(target.mostLikelyComponents(ref), k);
  }

  private static double[] flat(INDArray a) {
    return a.dup('c').data().asDouble();
  }

  private static double[] shares(int[] labels, int k) {
    double[] p = new double[k];
    for (int l : labels) {
      p[l] += 1.0 / labels.length;
    }
    return p;
  }

  /** The largest differences found, absolute and in standard errors. */
  record Report(double meanError, double meanZ, double covError, double covZ, double shareError, double shareZ) {
    @Override
    public String toString() {
      return String.format("mean %.4f (%.2f se), cov %.4f (%.2f se), weights %.4f (%.2f se)",
          meanError, meanZ, covError, covZ, shareError, shareZ);
    }
  }

  private record Stats(int n, double[] mean, double[][] cov, double[] share) {}

  private Stats stats(INDArray samples) {
    INDArray xd = samples.castTo(DataType.DOUBLE);
    double[] x = flat(xd);
    int n = (int) xd.size(0);
    double[] m = new double[d];
    for (int r = 0; r < n; r++) {
      for (int i = 0; i < d; i++) {
        m[i] += x[r * d + i] / n;
      }
    }
    double[][] c = new double[d][d];
    for (int r = 0; r < n; r++) {
      for (int i = 0; i < d; i++) {
        for (int j = i; j < d; j++) {
          c[i][j] += (x[r * d + i] - m[i]) * (x[r * d + j] - m[j]) / (n - 1);
        }
      }
    }
    return new Stats(n, m, c, shares(target.mostLikelyComponents(xd), share.length));
  }

  private double meanTolerance(int i, int n, double allowance) {
    return Z * Math.sqrt(cov[i][i] / n) + allowance;
  }

  private double covTolerance(int i, int j, int n, double allowance) {
    return Z * productSd[i][j] / Math.sqrt(n) + allowance;
  }

  private double shareTolerance(int k, int n, double allowance) {
    return Z * Math.sqrt(share[k] * (1 - share[k]) * (1.0 / n + 1.0 / REFERENCE)) + allowance;
  }

  /** The largest differences of samples from the target, absolute and in standard errors. */
  Report measure(INDArray samples) {
    Stats s = stats(samples);
    int n = s.n();
    double meanError = 0;
    double meanZ = 0;
    double covError = 0;
    double covZ = 0;
    for (int i = 0; i < d; i++) {
      double e = Math.abs(s.mean()[i] - mean[i]);
      meanError = Math.max(meanError, e);
      meanZ = Math.max(meanZ, Z * e / meanTolerance(i, n, 0));
      for (int j = i; j < d; j++) {
        double ec = Math.abs(s.cov()[i][j] - cov[i][j]);
        covError = Math.max(covError, ec);
        covZ = Math.max(covZ, Z * ec / covTolerance(i, j, n, 0));
      }
    }
    double shareError = 0;
    double shareZ = 0;
    for (int k = 0; k < share.length; k++) {
      double e = Math.abs(s.share()[k] - share[k]);
      shareError = Math.max(shareError, e);
      shareZ = Math.max(shareZ, Z * e / shareTolerance(k, n, 0));
    }
    return new Report(meanError, meanZ, covError, covZ, shareError, shareZ);
  }

  /** Absolute allowances for discretisation bias, added to the Monte Carlo tolerance. */
  record Allowance(double mean, double cov, double share) {}

  /**
   * Asserts every mean, covariance entry and component share lies within Z standard errors plus
   * its allowance of the target.
   */
  Report check(String what, INDArray samples, Allowance allowance) {
    Stats s = stats(samples);
    Report r = measure(samples);
    int n = s.n();
    for (int i = 0; i < d; i++) {
      double tol = meanTolerance(i, n, allowance.mean());
      assertTrue(Math.abs(s.mean()[i] - mean[i]) <= tol,
          what + ": mean[" + i + "] = " + s.mean()[i] + ", expected " + mean[i] + " +- " + tol + "; " + r);
      for (int j = i; j < d; j++) {
        double tc = covTolerance(i, j, n, allowance.cov());
        assertTrue(Math.abs(s.cov()[i][j] - cov[i][j]) <= tc,
            what + ": cov[" + i + "][" + j + "] = " + s.cov()[i][j] + ", expected " + cov[i][j] + " +- " + tc + "; " + r);
      }
    }
    for (int k = 0; k < share.length; k++) {
      double tol = shareTolerance(k, n, allowance.share());
      assertTrue(Math.abs(s.share()[k] - share[k]) <= tol,
          what + ": share of component " + k + " = " + s.share()[k] + ", expected " + share[k] + " +- " + tol + "; " + r);
    }
    return r;
  }
}
