package org.scoresde.sampling;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.scoresde.score.ProbabilityFlow;
import org.scoresde.score.ScoreModel;

/**
 * Euler's method in t on the probability-flow ODE dx/dt = a(t) x - g(t)^2 s / 2 (score_sde's
 * fixed-step ODE sampler): first order, one score evaluation per step, returns x_eps.
 */
public record ProbabilityFlowEuler() implements Sampler {

  @Override
  public String name() {
    return "ode-euler";
  }

  @Override
  public SampleResult sample(ScoreModel model, INDArray xT, double[] grid, long seed, TrajectoryObserver observer) {
    Grids.checkDecreasing(grid);
    CountingScoreModel counted = new CountingScoreModel(model);
    ProbabilityFlow flow = new ProbabilityFlow(counted);
    INDArray x = xT;
    for (int i = 0; i + 1 < grid.length; i++) {
      INDArray t = Grids.times(x, grid[i]);
      INDArray score = counted.score(x, t);
      observer.at(grid[i], x, score);
      x = flow.drift(x, t, score).muli(grid[i + 1] - grid[i]).addi(x);
    }
    observer.at(grid[grid.length - 1], x, null);
    return new SampleResult(x, counted.calls(), grid);
  }
}
