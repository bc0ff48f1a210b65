package org.scoresde.sampling;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.scoresde.score.ScoreModel;
import org.scoresde.sde.Sde;

/**
 * score_sde's reverse-diffusion predictor: discretize the forward SDE exactly between grid
 * times, x_t = alpha x_s + G z with alpha = gamma_t / gamma_s and G^2 = sigma_t^2 - alpha^2 sigma_s^2
 * (DDPM's sqrt(1 - beta_i) and beta_i for VP, sigma_i^2 - sigma_{i-1}^2 for VE), and run that
 * chain backwards: x_s = x_t - (alpha - 1) x_t + G^2 s(x_t, t) + G z.
 */
public record ReverseDiffusionPredictor() implements Predictor, Sampler {

  @Override
  public String name() {
    return "reverse-diffusion";
  }

  @Override
  public Step predict(ScoreModel model, INDArray x, double t, double s, Random rng) {
    Sde sde = model.sde();
    double alpha = sde.meanScale(t) / sde.meanScale(s);
    double sigmaT = sde.std(t);
    double sigmaS = sde.std(s);
    double g2 = Math.max(0.0, sigmaT * sigmaT - alpha * alpha * sigmaS * sigmaS);
    INDArray score = model.score(x, Grids.times(x, t));
    INDArray mean = x.mul(2.0 - alpha).addi(score.muli(g2));
    INDArray next = Grids.gaussianLike(x, rng).muli(Math.sqrt(g2)).addi(mean);
    return new Step(next, mean);
  }

  @Override
  public SampleResult sample(ScoreModel model, INDArray xT, double[] grid, long seed, TrajectoryObserver observer) {
    return new PredictorCorrector(this).sample(model, xT, grid, seed, observer);
  }
}
