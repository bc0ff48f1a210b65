package org.scoresde.likelihood;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The score and an estimate of its divergence div_x s(x, t) for rows of one batch during one
 * integration, with any random probes drawn once at the start and held fixed along the trajectory,
 * so the estimated log-likelihood is a smooth function of time that an adaptive solver can follow.
 */
public interface ScoreDivergence {

  /**
   * s(x, t) [n, D] and div_x s [n] for the rows {@code rows} (indices into the batch this was started
   * for) whose states are x [n, D] at times t [n].
   */
  Result evaluate(int[] rows, INDArray x, INDArray t);

  /** A score with the divergence of the score. */
  record Result(INDArray score, INDArray divergence) {}
}
