package org.scoresde.sampling;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What a sampler returns: the samples [N, D], the number of batched score evaluations (NFE) and the
 * grid it ran on. Trajectories go to a {@link TrajectoryObserver} passed to the sampler.
 */
public record SampleResult(INDArray samples, long nfe, double[] grid) {

  public SampleResult {
    grid = grid.clone();
  }

  @Override
  public double[] grid() {
    return grid.clone();
  }
}
