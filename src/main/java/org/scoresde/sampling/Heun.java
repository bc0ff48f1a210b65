package org.scoresde.sampling;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.scoresde.score.ScoreModel;
import org.scoresde.sde.Sde;

/**
 * EDM's second-order sampler (Karras et al., Algorithm 1) for any linear SDE: Heun's method on
 * the probability-flow ODE written in EDM's variables y = x / gamma_t and sigma = sigma_t /
 * gamma_t, where it reads dy/dsigma = eps_hat = -sigma_t s(x, t) and the trajectories are nearly
 * straight. With {@code eulerLastStep} the last step is a plain Euler step, as in EDM (NFE 2K - 1);
 * otherwise every step is Heun (NFE 2K). Returns x_eps.
 */
public record Heun(boolean eulerLastStep) implements Sampler {

  /** EDM's choice: Euler on the last step. */
  public Heun() {
    this(true);
  }

  @Override
  public String name() {
    return "heun";
  }

  @Override
  public SampleResult sample(ScoreModel model, INDArray xT, double[] grid, long seed, TrajectoryObserver observer) {
    Grids.checkDecreasing(grid);
    Sde sde = model.sde();
    CountingScoreModel counted = new CountingScoreModel(model);
    INDArray x = xT;
    int steps = grid.length - 1;
    for (int i = 0; i < steps; i++) {
      double t = grid[i];
      double s = grid[i + 1];
      double gammaT = sde.meanScale(t);
      double gammaS = sde.meanScale(s);
      double dSigma = sde.std(s) / gammaS - sde.std(t) / gammaT;
      INDArray score = counted.score(x, Grids.times(x, t));
      observer.at(t, x, score);
      INDArray d = Tweedie.noise(sde, score, t);
      INDArray y = x.div(gammaT);
      INDArray next = d.mul(dSigma).addi(y).muli(gammaS);
      if (i + 1 < steps || !eulerLastStep) {
        INDArray d2 = Tweedie.noise(sde, counted.score(next, Grids.times(next, s)), s);
        next = d.addi(d2).muli(0.5 * dSigma).addi(y).muli(gammaS);
      }
      x = next;
    }
    observer.at(grid[steps], x, null);
    return new SampleResult(x, counted.calls(), grid);
  }
}
