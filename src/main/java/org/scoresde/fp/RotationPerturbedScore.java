package org.scoresde.fp;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.scoresde.nd4j.JavaArrays;
import org.scoresde.score.ScoreModel;
import org.scoresde.sde.Sde;

/**
 * A score with a non-conservative error: s(x, t) + kappa A x / (gamma_t^2 + sigma_t^2) for an
 * antisymmetric A, a rotation field of relative size about kappa beside the score -x / (gamma_t^2 +
 * sigma_t^2) of data with unit variance. No density has it as its score, so it cannot satisfy the score
 * Fokker-Planck equation; the checks use it to show that the residual sees such errors.
 */
public final class RotationPerturbedScore implements ScoreModel {
  private final ScoreModel base;
  private final double[][] rotation;
  private final double kappa;

  /** @param rotation an antisymmetric D x D matrix (checked), copied */
  public RotationPerturbedScore(ScoreModel base, double[][] rotation, double kappa) {
    int d = base.dimension();
    if (rotation.length != d) {
      throw new IllegalArgumentException("the rotation must be " + d + " x " + d + ", has " + rotation.length + " rows");
    }
    this.rotation = new double[d][];
    for (int i = 0; i < d; i++) {
      if (rotation[i].length != d) {
        throw new IllegalArgumentException("the rotation must be " + d + " x " + d);
      }
      for (int j = 0; j < d; j++) {
        if (Math.abs(rotation[i][j] + rotation[j][i]) > 1e-12 * (1 + Math.abs(rotation[i][j]))) {
          throw new IllegalArgumentException("the rotation must be antisymmetric; (" + i + ", " + j + ") breaks it");
        }
      }
      this.rotation[i] = rotation[i].clone();
    }
    this.base = base;
    this.kappa = kappa;
  }

  /** A random antisymmetric matrix (G - G^T) / sqrt(2 D), G standard normal: entries of size about 1/sqrt(D). */
  public static double[][] randomRotation(int d, java.util.Random rng) {
    double[][] g = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        g[i][j] = rng.nextGaussian();
      }
    }
    double[][] a = new double[d][d];
    double c = 1.0 / Math.sqrt(2.0 * d);
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        a[i][j] = c * (g[i][j] - g[j][i]);
      }
    }
    return a;
  }

  @Override
  public int dimension() {
    return base.dimension();
  }

  @Override
  public Sde sde() {
    return base.sde();
  }

  @Override
  public INDArray score(INDArray x, INDArray t) {
    return base.score(x, t).addi(apply(x, t, false));
  }

  @Override
  public INDArray vjp(INDArray x, INDArray t, INDArray v) {
    return base.vjp(x, t, v).addi(apply(v, t, true));
  }

  @Override
  public ScoreAndVjp scoreAndVjp(INDArray x, INDArray t, INDArray v) {
    ScoreAndVjp b = base.scoreAndVjp(x, t, v);
    return new ScoreAndVjp(b.score().addi(apply(x, t, false)), b.vjp().addi(apply(v, t, true)));
  }

  /** kappa A y / v_t (or kappa A^T y / v_t when transposed) per row of y, v_t = gamma_t^2 + sigma_t^2. */
  private INDArray apply(INDArray y, INDArray t, boolean transposed) {
    int n = (int) y.size(0);
    int d = dimension();
    double[] yv = JavaArrays.values(y);
    double[] tv = JavaArrays.values(t);
    double[] out = new double[n * d];
    for (int i = 0; i < n; i++) {
      double ti = tv.length == 1 ? tv[0] : tv[i];
      double gamma = sde().meanScale(ti);
      double sigma = sde().std(ti);
      double f = kappa / (gamma * gamma + sigma * sigma);
      for (int r = 0; r < d; r++) {
        double acc = 0;
        for (int c = 0; c < d; c++) {
          acc += (transposed ? rotation[c][r] : rotation[r][c]) * yv[i * d + c];
        }
        out[i * d + r] = f * acc;
      }
    }
    return JavaArrays.matrix(out, n, d, y.dataType());
  }
}
