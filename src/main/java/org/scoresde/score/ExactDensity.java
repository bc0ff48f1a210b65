package org.scoresde.score;

import org.nd4j.linalg.api.ndarray.INDArray;

/** A model whose diffused marginal log density log p_t(x) is known in closed form. */
public interface ExactDensity {

  /** log p_t(x) for every row of x [N, D] at times t [N]; returns [N]. */
  INDArray logDensity(INDArray x, INDArray t);
}
