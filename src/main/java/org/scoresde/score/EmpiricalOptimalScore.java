package org.scoresde.score;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.scoresde.nd4j.JavaArrays;
import org.scoresde.sde.Sde;

/**
 * The exact score of a finite data set's own diffused distribution, (1/M) sum_m N(gamma_t y_m,
 * sigma_t^2 I): the optimum of denoising score matching on that set, whose denoiser E[x0 | x_t] is
 * the softmax-weighted mean of the points (the mean-shift view of "A Geometric Perspective on
 * Diffusion Models"). It memorises the data, so samplers driven by it reproduce training points.
 * Computed in double precision with two matrix products per call (BLAS for large ones); results come
 * back in x's type.
 * Serializable (the points travel as a double array), so that Spark tasks can carry it.
 */
public final class EmpiricalOptimalScore implements ScoreModel, ExactDensity, java.io.Serializable {
  private static final long serialVersionUID = 1L;
  /**
   * Where cancellation threatens, logits this far below the largest are recomputed exactly too
   * (their weights exceed e^-60 ~ 1e-26); beyond it a logit error cannot matter.
   */
  private static final double RECOMPUTE_WINDOW = 60;
  /** The largest absolute logit error accepted from the expanded distance |x|^2 - 2 gamma x.y + gamma^2 |y|^2. */
  private static final double LOGIT_ROUNDING = 1e-11;
  /**
   * Below this many multiply-adds a product runs as plain loops: an ND4J call costs ~1 ms of overhead
   * on a busy machine, more than the arithmetic of a small batch.
   */
  private static final long BLAS_THRESHOLD = 1L << 21;

  private final transient INDArray points;
  private final transient INDArray pointsT;
  private final double[] flatPoints;
  private final double[] squaredNorms;
  private final double maxSquaredNorm;
  private final int count;
  private final int dimension;
  private final Sde sde;

  /** @param points the data set, [M, D] in any floating type (kept as a double copy) */
  public EmpiricalOptimalScore(INDArray points, Sde sde) {
    if (points == null || sde == null) {
      throw new IllegalArgumentException("EmpiricalOptimalScore needs points and an SDE");
    }
    if (points.rank() != 2 || points.size(0) < 1 || points.size(1) < 1) {
      throw new IllegalArgumentException("points must be [M, D] with M, D >= 1, got " + Arrays.toString(points.shape()));
    }
    this.count = (int) points.size(0);
    this.dimension = (int) points.size(1);
    this.points = points.castTo(DataType.DOUBLE).dup('c');
    this.pointsT = this.points.transpose();
    this.flatPoints = MixtureKernel.flat(this.points);
    this.squaredNorms = new double[count];
    double largest = 0;
    for (int m = 0; m < count; m++) {
      double s = 0;
      for (int j = 0; j < dimension; j++) {
        double v = flatPoints[m * dimension + j];
        s += v * v;
      }
      squaredNorms[m] = s;
      largest = Math.max(largest, s);
    }
    this.maxSquaredNorm = largest;
    this.sde = sde;
  }

  /** The data points, [M, D] in double (a copy). */
  public INDArray points() {
    return points.dup();
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public Sde sde() {
    return sde;
  }

  /** (gamma E[y | x] - x) / sigma^2 per row; returns [N, D]. */
  @Override
  public INDArray score(INDArray x, INDArray t) {
    Posterior p = posterior(x, t, null);
    return JavaArrays.matrix(p.score(withPoints(p.r, p.n)), p.n, dimension, x.dataType());
  }

  /**
   * v^T H per row with H = -I / sigma^2 + (gamma^2 / sigma^4) Cov_r(y), Cov_r the posterior
   * covariance of the points; returns [N, D].
   */
  @Override
  public INDArray vjp(INDArray x, INDArray t, INDArray v) {
    Posterior p = posterior(x, t, v);
    return JavaArrays.matrix(p.vjp(withPoints(p.centredWeights(), p.n)), p.n, dimension, x.dataType());
  }

  @Override
  public ScoreAndVjp scoreAndVjp(INDArray x, INDArray t, INDArray v) {
    Posterior p = posterior(x, t, v);
    int n = p.n;
    double[] both = new double[2 * n * count];
    System.arraycopy(p.r, 0, both, 0, n * count);
    System.arraycopy(p.centredWeights(), 0, both, n * count, n * count);
    double[] products = withPoints(both, 2 * n);
    double[] mean = Arrays.copyOfRange(products, 0, n * dimension);
    double[] cov = Arrays.copyOfRange(products, n * dimension, 2 * n * dimension);
    return new ScoreAndVjp(JavaArrays.matrix(p.score(mean), n, dimension, x.dataType()),
        JavaArrays.matrix(p.vjp(cov), n, dimension, x.dataType()));
  }

  @Override
  public INDArray logDensity(INDArray x, INDArray t) {
    Posterior p = posterior(x, t, null);
    double[] out = new double[p.n];
    for (int i = 0; i < p.n; i++) {
      out[i] = p.logSumExp[i] - Math.log(count) - 0.5 * dimension * (GaussianMixture.log2Pi() + Math.log(p.sigma2[i]));
    }
    return JavaArrays.vector(out, x.dataType());
  }

  /** E[x0 | x_t = x] = sum_m r_m y_m, the posterior mean of the data point (the optimal denoiser); returns [N, D]. */
  public INDArray denoise(INDArray x, INDArray t) {
    Posterior p = posterior(x, t, null);
    return JavaArrays.matrix(withPoints(p.r, p.n), p.n, dimension, x.dataType());
  }

  /** The posterior probability of every data point given x at time t; returns [N, M]. */
  public INDArray responsibilities(INDArray x, INDArray t) {
    Posterior p = posterior(x, t, null);
    return JavaArrays.matrix(p.r, p.n, count, x.dataType());
  }

  /** The exact divergence of the score, -D / sigma^2 + (gamma^2 / sigma^4) tr Cov_r(y); returns [N]. */
  public INDArray divergence(INDArray x, INDArray t) {
    Posterior p = posterior(x, t, null);
    double[] mean = withPoints(p.r, p.n);
    double[] out = new double[p.n];
    for (int i = 0; i < p.n; i++) {
      double second = 0;
      for (int m = 0; m < count; m++) {
        second += p.r[i * count + m] * squaredNorms[m];
      }
      double meanSq = 0;
      for (int j = 0; j < dimension; j++) {
        double v = mean[i * dimension + j];
        meanSq += v * v;
      }
      double s2 = p.sigma2[i];
      out[i] = -dimension / s2 + p.gamma[i] * p.gamma[i] / (s2 * s2) * (second - meanSq);
    }
    return JavaArrays.vector(out, x.dataType());
  }

  /** a [rows, D] times the points transposed: [rows, M]. */
  private double[] againstPoints(double[] a, int rows) {
    if ((long) rows * count * dimension >= BLAS_THRESHOLD) {
      return MixtureKernel.flat(JavaArrays.matrix(a, rows, dimension, DataType.DOUBLE).mmul(pointsT));
    }
    double[] out = new double[rows * count];
    for (int i = 0; i < rows; i++) {
      int ao = i * dimension;
      for (int m = 0; m < count; m++) {
        int yo = m * dimension;
        double s = 0;
        for (int j = 0; j < dimension; j++) {
          s += a[ao + j] * flatPoints[yo + j];
        }
        out[i * count + m] = s;
      }
    }
    return out;
  }

  /** w [rows, M] times the points: [rows, D]. */
  private double[] withPoints(double[] w, int rows) {
    if ((long) rows * count * dimension >= BLAS_THRESHOLD) {
      return MixtureKernel.flat(JavaArrays.matrix(w, rows, count, DataType.DOUBLE).mmul(points));
    }
    double[] out = new double[rows * dimension];
    for (int i = 0; i < rows; i++) {
      int oo = i * dimension;
      for (int m = 0; m < count; m++) {
        double wm = w[i * count + m];
        if (wm == 0) {
          continue;
        }
        int yo = m * dimension;
        for (int j = 0; j < dimension; j++) {
          out[oo + j] += wm * flatPoints[yo + j];
        }
      }
    }
    return out;
  }

  /** The posterior over the points for every row; with v, also v.y_m from the same matrix product. */
  private Posterior posterior(INDArray x, INDArray t, INDArray v) {
    MixtureKernel.checkShape(x, dimension);
    int n = (int) x.size(0);
    double[] tv = MixtureKernel.times(t, n);
    double[] gamma = new double[n];
    double[] sigma2 = new double[n];
    for (int i = 0; i < n; i++) {
      gamma[i] = sde.meanScale(tv[i]);
      double s = sde.std(tv[i]);
      sigma2[i] = s * s;
    }
    double[] xv = MixtureKernel.flat(x);
    double[] vv = null;
    double[] products;
    if (v == null) {
      products = againstPoints(xv, n);
    } else {
      if (v.rank() != 2 || v.size(0) != n || v.size(1) != dimension) {
        throw new IllegalArgumentException("v must have the shape of x " + Arrays.toString(x.shape())
            + ", got " + Arrays.toString(v.shape()));
      }
      vv = MixtureKernel.flat(v);
      double[] stacked = new double[2 * n * dimension];
      System.arraycopy(xv, 0, stacked, 0, n * dimension);
      System.arraycopy(vv, 0, stacked, n * dimension, n * dimension);
      products = againstPoints(stacked, 2 * n);
    }
    double[] r = new double[n * count];
    double[] lse = new double[n];
    for (int i = 0; i < n; i++) {
      double xx = 0;
      for (int j = 0; j < dimension; j++) {
        double e = xv[i * dimension + j];
        xx += e * e;
      }
      double g = gamma[i];
      double scale = -0.5 / sigma2[i];
      int off = i * count;
      double max = Double.NEGATIVE_INFINITY;
      for (int m = 0; m < count; m++) {
        double sq = Math.max(0.0, xx - 2 * g * products[off + m] + g * g * squaredNorms[m]);
        double logit = scale * sq;
        r[off + m] = logit;
        max = Math.max(max, logit);
      }
      if (4e-16 * (xx + g * g * maxSquaredNorm) * -scale > LOGIT_ROUNDING) {
        max = refineNearest(xv, i, g, scale, r, off, max - RECOMPUTE_WINDOW);
      }
      double total = 0;
      for (int m = 0; m < count; m++) {
        double e = Math.exp(r[off + m] - max);
        r[off + m] = e;
        total += e;
      }
      for (int m = 0; m < count; m++) {
        r[off + m] /= total;
      }
      lse[i] = max + Math.log(total);
    }
    double[] vy = v == null ? null : Arrays.copyOfRange(products, n * count, 2 * n * count);
    return new Posterior(n, gamma, sigma2, xv, vv, vy, r, lse);
  }

  /**
   * Recomputes, as explicit sums of squared differences, the logits above the threshold (the only
   * ones that carry weight), where the expanded distance would lose digits to cancellation at small
   * sigma; returns the new largest logit.
   */
  private double refineNearest(double[] x, int row, double g, double scale, double[] logits, int off, double threshold) {
    int xo = row * dimension;
    double max = Double.NEGATIVE_INFINITY;
    for (int m = 0; m < count; m++) {
      if (logits[off + m] >= threshold) {
        int yo = m * dimension;
        double sq = 0;
        for (int j = 0; j < dimension; j++) {
          double dlt = x[xo + j] - g * flatPoints[yo + j];
          sq += dlt * dlt;
        }
        logits[off + m] = scale * sq;
      }
      max = Math.max(max, logits[off + m]);
    }
    return max;
  }

  /** The per-row posterior over the data points, shared by score, VJP, density and denoiser. */
  private final class Posterior {
    final int n;
    final double[] gamma;
    final double[] sigma2;
    final double[] x;
    final double[] v;
    final double[] vy;
    final double[] r;
    final double[] logSumExp;

    Posterior(int n, double[] gamma, double[] sigma2, double[] x, double[] v, double[] vy, double[] r, double[] logSumExp) {
      this.n = n;
      this.gamma = gamma;
      this.sigma2 = sigma2;
      this.x = x;
      this.v = v;
      this.vy = vy;
      this.r = r;
      this.logSumExp = logSumExp;
    }

    /** (gamma mean - x) / sigma^2, given the posterior mean [N, D]. */
    double[] score(double[] mean) {
      double[] out = new double[n * dimension];
      for (int i = 0; i < n; i++) {
        double g = gamma[i];
        double inv = 1.0 / sigma2[i];
        for (int j = 0; j < dimension; j++) {
          int p = i * dimension + j;
          out[p] = (g * mean[p] - x[p]) * inv;
        }
      }
      return out;
    }

    /**
     * r_m (y_m.v - ybar.v) with ybar.v = sum_m r_m y_m.v: multiplied by the points this is Cov_r(y) v
     * in a centred form that stays accurate when one point dominates (small t).
     */
    double[] centredWeights() {
      double[] a = new double[n * count];
      for (int i = 0; i < n; i++) {
        int off = i * count;
        double meanV = 0;
        for (int m = 0; m < count; m++) {
          meanV += r[off + m] * vy[off + m];
        }
        for (int m = 0; m < count; m++) {
          a[off + m] = r[off + m] * (vy[off + m] - meanV);
        }
      }
      return a;
    }

    /** -v / sigma^2 + (gamma^2 / sigma^4) Cov_r(y) v, given Cov_r(y) v [N, D]. */
    double[] vjp(double[] covV) {
      double[] out = new double[n * dimension];
      for (int i = 0; i < n; i++) {
        double s2 = sigma2[i];
        double c = gamma[i] * gamma[i] / (s2 * s2);
        for (int j = 0; j < dimension; j++) {
          int p = i * dimension + j;
          out[p] = c * covV[p] - v[p] / s2;
        }
      }
      return out;
    }
  }

  /** Rebuilds the ND4J copies of the points after deserialisation. */
  private Object readResolve() {
    return new EmpiricalOptimalScore(JavaArrays.matrix(flatPoints, count, dimension, DataType.DOUBLE), sde);
  }

  @Override
  public String toString() {
    return "EmpiricalOptimalScore(M=" + count + ", D=" + dimension + ", " + sde + ")";
  }
}
