package org.scoresde.sampling;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.scoresde.ode.Dopri5;
import org.scoresde.ode.OdeResult;
import org.scoresde.score.ProbabilityFlow;
import org.scoresde.score.ScoreModel;

/**
 * The probability-flow ODE solved by adaptive Dormand-Prince 5(4) from T to eps, every sample with
 * its own step size. The grid only marks where the trajectory is recorded: without recording the
 * solver runs T -> eps in one go, so the number of grid steps does not change the samples beyond
 * the tolerance.
 */
public record Dopri5Sampler(double rtol, double atol) implements Sampler {

  @Override
  public String name() {
    return "dopri5";
  }

  @Override
  public SampleResult sample(ScoreModel model, INDArray xT, double[] grid, long seed, TrajectoryObserver observer) {
    Grids.checkDecreasing(grid);
    CountingScoreModel counted = new CountingScoreModel(model);
    ProbabilityFlow flow = new ProbabilityFlow(counted);
    Dopri5 solver = new Dopri5(rtol, atol);
    INDArray x = xT;
    if (observer == TrajectoryObserver.NONE) {
      x = solver.integrate(flow, x, grid[0], grid[grid.length - 1]).y();
    } else {
      for (int i = 0; i + 1 < grid.length; i++) {
        observer.at(grid[i], x, null);
        OdeResult r = solver.integrate(flow, x, grid[i], grid[i + 1]);
        x = r.y();
      }
    }
    observer.at(grid[grid.length - 1], x, null);
    return new SampleResult(x, counted.calls(), grid);
  }
}
