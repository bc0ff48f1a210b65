package org.scoresde.sampling;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.scoresde.score.ProbabilityFlow;
import org.scoresde.score.ScoreModel;

/**
 * The deterministic encoding of Song et al.: the probability-flow ODE is a bijection between data
 * x_eps and latents x_T, so integrating it forward from eps to T encodes and integrating it back
 * decodes. Classical fourth-order Runge-Kutta in t on a fixed grid (by default 100 steps uniform in
 * log-SNR, dense where the score changes fastest), 4 score evaluations per step; the round trip
 * returns the input up to the RK4 error of both passes.
 */
public final class ProbabilityFlowEncoding {
  private final ProbabilityFlow flow;
  private final double[] grid;

  /** Integrates on {@code grid}, a decreasing grid from T to eps like the samplers'. */
  public ProbabilityFlowEncoding(ScoreModel model, double[] grid) {
    Grids.checkDecreasing(grid);
    this.flow = new ProbabilityFlow(model);
    this.grid = grid.clone();
  }

  /** Integrates on the schedule's grid of the given steps down to eps. */
  public ProbabilityFlowEncoding(ScoreModel model, TimeSchedule schedule, int steps, double eps) {
    this(model, schedule.grid(model.sde(), steps, eps));
  }

  /** 100 steps uniform in log-SNR down to eps. */
  public ProbabilityFlowEncoding(ScoreModel model, double eps) {
    this(model, new LogSnrSchedule(), 100, eps);
  }

  /** The grid, from T down to eps. */
  public double[] grid() {
    return grid.clone();
  }

  /** Score evaluations per encode or decode call. */
  public long nfe() {
    return 4L * (grid.length - 1);
  }

  /** x_eps [N, D] to its latent x_T: the ODE integrated from eps up to T. */
  public INDArray encode(INDArray x0) {
    INDArray x = x0;
    for (int i = grid.length - 1; i > 0; i--) {
      x = rk4(x, grid[i], grid[i - 1]);
    }
    return x;
  }

  /** A latent x_T [N, D] to x_eps: the ODE integrated from T down to eps. */
  public INDArray decode(INDArray xT) {
    INDArray x = xT;
    for (int i = 0; i + 1 < grid.length; i++) {
      x = rk4(x, grid[i], grid[i + 1]);
    }
    return x;
  }

  private INDArray rk4(INDArray x, double from, double to) {
    double h = to - from;
    double mid = from + 0.5 * h;
    INDArray k1 = flow.derivative(Grids.times(x, from), x);
    INDArray k2 = flow.derivative(Grids.times(x, mid), k1.mul(0.5 * h).addi(x));
    INDArray k3 = flow.derivative(Grids.times(x, mid), k2.mul(0.5 * h).addi(x));
    INDArray k4 = flow.derivative(Grids.times(x, to), k3.mul(h).addi(x));
    return k2.addi(k3).muli(2.0).addi(k1).addi(k4).muli(h / 6.0).addi(x);
  }
}
