package org.scoresde.sampling;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.scoresde.score.ScoreModel;
import org.scoresde.sde.Sde;

/**
 * Tweedie's formula for a linear SDE: E[x_0 | x_t] = (x_t + sigma_t^2 s(x_t, t)) / gamma_t, the
 * denoised estimate x0_hat whose sequence is the denoising trajectory; and the noise prediction
 * eps_hat = -sigma_t s that the exponential integrators work with.
 */
public final class Tweedie {
  private Tweedie() {}

  /** x0_hat for a batch x [N, D] whose rows all sit at time t, given the score there. */
  public static INDArray denoise(Sde sde, INDArray x, INDArray score, double t) {
    double sigma = sde.std(t);
    return score.mul(sigma * sigma).addi(x).divi(sde.meanScale(t));
  }

  /**
   * x0_hat of a batch at time t from the model's own score there: the final denoising step that
   * reference samplers take at the last time (one more score evaluation).
   */
  public static INDArray denoise(ScoreModel model, INDArray x, double t) {
    return denoise(model.sde(), x, model.score(x, Grids.times(x, t)), t);
  }

  /** eps_hat = -sigma_t s. */
  public static INDArray noise(Sde sde, INDArray score, double t) {
    return score.mul(-sde.std(t));
  }
}
