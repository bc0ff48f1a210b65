package org.scoresde.sampling;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.scoresde.score.ScoreModel;
import org.scoresde.sde.Sde;

/**
 * Euler-Maruyama on the reverse SDE dx = [a(t) x - g(t)^2 s(x,t)] dt + g(t) dW-bar:
 * x_s = x_t - (t - s) [a x - g^2 s] + g sqrt(t - s) z, coefficients at t. As a sampler it runs
 * without a corrector and returns the last step's mean (no noise on the last step).
 */
public record EulerMaruyama() implements Predictor, Sampler {

  @Override
  public String name() {
    return "euler-maruyama";
  }

  @Override
  public Step predict(ScoreModel model, INDArray x, double t, double s, Random rng) {
    Sde sde = model.sde();
    double dt = t - s;
    INDArray score = model.score(x, Grids.times(x, t));
    INDArray mean = x.mul(1.0 - sde.driftCoefficient(t) * dt).addi(score.muli(sde.diffusionSquared(t) * dt));
    INDArray next = Grids.gaussianLike(x, rng).muli(Math.sqrt(sde.diffusionSquared(t) * dt)).addi(mean);
    return new Step(next, mean);
  }

  @Override
  public SampleResult sample(ScoreModel model, INDArray xT, double[] grid, long seed, TrajectoryObserver observer) {
    return new PredictorCorrector(this).sample(model, xT, grid, seed, observer);
  }
}
