package org.scoresde.score;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.scoresde.sde.Sde;

/**
 * The exact score of a finite data set's own diffused distribution, (1/M) sum_m N(gamma_t y_m,
 * sigma_t^2 I): the optimum of denoising score matching on that set, whose denoiser E[x0 | x_t] is
 * the softmax-weighted mean of the points (the mean-shift view of "A Geometric Perspective on
 * Diffusion Models"). It memorises the data, so samplers driven by it reproduce training points.
 * Distances come from matrix products (|x|^2 - 2 gamma x.y + gamma^2 |y|^2) in double precision.
 */
public final class EmpiricalOptimalScore implements ScoreModel, ExactDensity {
  private final INDArray points;
  private final INDArray pointsT;
  private final double[] squaredNorms;
  private final int count;
  private final int dimension;
  private final Sde sde;

  /** @param points the data set, [M, D] in any floating type (kept as a double copy) */
  public EmpiricalOptimalScore(INDArray points, Sde sde) {
    if (points == null || sde == null) {
      throw new IllegalArgumentException("EmpiricalOptimalScore needs points and an SDE");
    }
    if (points.rank() != 2 || points.size(0) < 1 || points.size(1) < 1) {
      throw new IllegalArgumentException("points must be [M, D] with M, D >= 1, got " + java.util.Arrays.toString(points.shape()));
    }
    this.count = (int) points.size(0);
    this.dimension = (int) points.size(1);
    this.points = points.castTo(DataType.DOUBLE).dup('c');
    this.pointsT = this.points.transpose();
    double[] y = this.points.data().asDouble();
    this.squaredNorms = new double[count];
    for (int m = 0; m < count; m++) {
      double s = 0;
      for (int j = 0; j < dimension; j++) {
        double v = y[m * dimension + j];
        s += v * v;
      }
      squaredNorms[m] = s;
    }
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

  @Override
  public INDArray score(INDArray x, INDArray t) {
    return posterior(x, t).score(x);
  }

  /** v^T H per row with H = -I / sigma^2 + (gamma^2 / sigma^4) Cov_r(y), the posterior covariance of the points. */
  @Override
  public INDArray vjp(INDArray x, INDArray t, INDArray v) {
    return posterior(x, t).vjp(x, v);
  }

  @Override
  public ScoreAndVjp scoreAndVjp(INDArray x, INDArray t, INDArray v) {
    Posterior p = posterior(x, t);
    return new ScoreAndVjp(p.score(x), p.vjp(x, v));
  }

  @Override
  public INDArray logDensity(INDArray x, INDArray t) {
    Posterior p = posterior(x, t);
    int n = p.n;
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = p.logSumExp[i] - Math.log(count) - 0.5 * dimension * (GaussianMixture.log2Pi() + Math.log(p.sigma2[i]));
    }
    return MixtureKernel.vector(out, x.dataType());
  }

  /** E[x0 | x_t = x] = sum_m r_m y_m, the posterior mean of the data point (the optimal denoiser); returns [N, D]. */
  public INDArray denoise(INDArray x, INDArray t) {
    return posterior(x, t).mean.castTo(x.dataType());
  }

  /** The posterior probability of every data point given x at time t; returns [N, M]. */
  public INDArray responsibilities(INDArray x, INDArray t) {
    Posterior p = posterior(x, t);
    return MixtureKernel.matrix(p.r, p.n, count, x.dataType());
  }

  /** The exact divergence of the score, -D / sigma^2 + (gamma^2 / sigma^4) tr Cov_r(y); returns [N]. */
  public INDArray divergence(INDArray x, INDArray t) {
    Posterior p = posterior(x, t);
    double[] mean = MixtureKernel.flat(p.mean);
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
    return MixtureKernel.vector(out, x.dataType());
  }

  private Posterior posterior(INDArray x, INDArray t) {
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
    INDArray xd = MixtureKernel.matrix(xv, n, dimension, DataType.DOUBLE);
    double[] xy = MixtureKernel.flat(xd.mmul(pointsT));
    double[] r = new double[n * count];
    double[] lse = new double[n];
    for (int i = 0; i < n; i++) {
      double xx = 0;
      for (int j = 0; j < dimension; j++) {
        double v = xv[i * dimension + j];
        xx += v * v;
      }
      double g = gamma[i];
      double scale = -0.5 / sigma2[i];
      int off = i * count;
      double max = Double.NEGATIVE_INFINITY;
      for (int m = 0; m < count; m++) {
        double sq = Math.max(0.0, xx - 2 * g * xy[off + m] + g * g * squaredNorms[m]);
        double logit = scale * sq;
        r[off + m] = logit;
        max = Math.max(max, logit);
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
    INDArray mean = MixtureKernel.matrix(r, n, count, DataType.DOUBLE).mmul(points);
    return new Posterior(n, gamma, sigma2, xv, r, lse, mean);
  }

  /** The per-row posterior over the data points, shared by score, VJP, density and denoiser. */
  private final class Posterior {
    final int n;
    final double[] gamma;
    final double[] sigma2;
    final double[] x;
    final double[] r;
    final double[] logSumExp;
    final INDArray mean;

    Posterior(int n, double[] gamma, double[] sigma2, double[] x, double[] r, double[] logSumExp, INDArray mean) {
      this.n = n;
      this.gamma = gamma;
      this.sigma2 = sigma2;
      this.x = x;
      this.r = r;
      this.logSumExp = logSumExp;
      this.mean = mean;
    }

    /** (gamma E[y] - x) / sigma^2. */
    INDArray score(INDArray like) {
      double[] mv = MixtureKernel.flat(mean);
      double[] out = new double[n * dimension];
      for (int i = 0; i < n; i++) {
        double g = gamma[i];
        double inv = 1.0 / sigma2[i];
        for (int j = 0; j < dimension; j++) {
          int p = i * dimension + j;
          out[p] = (g * mv[p] - x[p]) * inv;
        }
      }
      return MixtureKernel.matrix(out, n, dimension, like.dataType());
    }

    /**
     * -v / sigma^2 + (gamma^2 / sigma^4) sum_m r_m (y_m.v - ybar.v) y_m: the centred form keeps the
     * posterior covariance accurate when one point dominates (small t).
     */
    INDArray vjp(INDArray like, INDArray v) {
      if (v.rank() != 2 || v.size(0) != n || v.size(1) != dimension) {
        throw new IllegalArgumentException("v must have the shape of x " + java.util.Arrays.toString(like.shape())
            + ", got " + java.util.Arrays.toString(v.shape()));
      }
      double[] vv = MixtureKernel.flat(v);
      INDArray vd = MixtureKernel.matrix(vv, n, dimension, DataType.DOUBLE);
      double[] vy = MixtureKernel.flat(vd.mmul(pointsT));
      double[] mv = MixtureKernel.flat(mean);
      double[] a = new double[n * count];
      for (int i = 0; i < n; i++) {
        double meanV = 0;
        for (int j = 0; j < dimension; j++) {
          meanV += mv[i * dimension + j] * vv[i * dimension + j];
        }
        int off = i * count;
        for (int m = 0; m < count; m++) {
          a[off + m] = r[off + m] * (vy[off + m] - meanV);
        }
      }
      double[] cov = MixtureKernel.flat(MixtureKernel.matrix(a, n, count, DataType.DOUBLE).mmul(points));
      double[] out = new double[n * dimension];
      for (int i = 0; i < n; i++) {
        double s2 = sigma2[i];
        double c = gamma[i] * gamma[i] / (s2 * s2);
        for (int j = 0; j < dimension; j++) {
          int p = i * dimension + j;
          out[p] = c * cov[p] - vv[p] / s2;
        }
      }
      return MixtureKernel.matrix(out, n, dimension, like.dataType());
    }
  }

  @Override
  public String toString() {
    return "EmpiricalOptimalScore(M=" + count + ", D=" + dimension + ", " + sde + ")";
  }
}
