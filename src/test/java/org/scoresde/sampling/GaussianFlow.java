package org.scoresde.sampling;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.scoresde.score.GaussianMixture;
import org.scoresde.sde.Sde;

/**
 * The probability-flow ODE of Gaussian data N(mu, Sigma) in closed form: with A_t = gamma_t^2 Sigma
 * + sigma_t^2 I (all A_t share Sigma's eigenbasis), x_t - gamma_t mu = A_t^{1/2} A_s^{-1/2}
 * (x_s - gamma_s mu), because d A^{1/2} / dt = (a + g^2 A^{-1} / 2) A^{1/2} is the flow's own
 * linear drift. The exact answer the ODE samplers and the encoding are measured against.
 */
final class GaussianFlow {
  private final GaussianMixture gaussian;
  private final Sde sde;

  GaussianFlow(GaussianMixture gaussian, Sde sde) {
    if (gaussian.components() != 1) {
      throw new IllegalArgumentException("the closed-form flow needs a single Gaussian");
    }
    this.gaussian = gaussian;
    this.sde = sde;
  }

  /** The flow map from time s to time t applied to every row of x [N, D]. */
  INDArray map(INDArray x, double s, double t) {
    double[] mu = gaussian.mean(0);
    double[] l = gaussian.eigenvalues(0);
    double[][] u = gaussian.eigenvectors(0);
    int d = mu.length;
    double gs = sde.meanScale(s);
    double ss = sde.std(s);
    double gt = sde.meanScale(t);
    double st = sde.std(t);
    double[][] in = x.toDoubleMatrix();
    double[][] out = new double[in.length][d];
    for (int i = 0; i < in.length; i++) {
      for (int m = 0; m < d; m++) {
        out[i][m] = gt * mu[m];
      }
      for (int j = 0; j < d; j++) {
        double y = 0;
        for (int m = 0; m < d; m++) {
          y += u[j][m] * (in[i][m] - gs * mu[m]);
        }
        double f = Math.sqrt((gt * gt * l[j] + st * st) / (gs * gs * l[j] + ss * ss));
        for (int m = 0; m < d; m++) {
          out[i][m] += f * y * u[j][m];
        }
      }
    }
    return Nd4j.createFromArray(out).castTo(x.dataType());
  }
}
