package org.scoresde.sampling;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What a sampler returns: the samples [N, D], the number of batched score evaluations (NFE), the
 * grid it ran on, and, when asked, for the recorded rows the state x_{t_i} [R, D] and the
 * denoised estimate x0_hat(x_{t_i}) = (x + sigma^2 s) / gamma at every grid time (both lists have
 * grid.length entries; empty when nothing was recorded). The last trajectory entry is the
 * returned sample itself.
 */
public record SampleResult(
    INDArray samples, long nfe, double[] grid, List<INDArray> trajectory, List<INDArray> denoised) {

  public SampleResult {
    grid = grid.clone();
    trajectory = List.copyOf(trajectory);
    denoised = List.copyOf(denoised);
  }

  @Override
  public double[] grid() {
    return grid.clone();
  }

  /** Whether trajectories were recorded. */
  public boolean recorded() {
    return !trajectory.isEmpty();
  }
}
