package org.scoresde.ode;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * dy/dt = F(t, y) for a batch of independent systems: row i of y [N, M] evolves at its own time
 * t[i], so adaptive solvers can step each example on its own.
 */
@FunctionalInterface
public interface BatchOde {

  /** F(t, y) for every row; t is [N], y is [N, M]; returns [N, M]. */
  INDArray derivative(INDArray t, INDArray y);
}
