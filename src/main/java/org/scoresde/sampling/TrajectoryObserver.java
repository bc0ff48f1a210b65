package org.scoresde.sampling;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Sees a sampler's state at every time of its grid, so that recording a trajectory (or anything
 * else a caller wants at those times) lives with the caller instead of inside each sampler.
 */
@FunctionalInterface
public interface TrajectoryObserver {

  /** Observes nothing; a sampler may skip work it would do only for an observer (Dopri5's stops at grid times). */
  TrajectoryObserver NONE = (t, x, score) -> {};

  /**
   * The state x [N, D] at grid time t (the last call is the returned sample at the grid's end);
   * {@code score} is s(x, t) for the whole batch when the sampler has it at hand, otherwise null.
   * The arrays belong to the sampler: copy what you keep.
   */
  void at(double t, INDArray x, INDArray score);
}
