package org.scoresde.ode;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * dy/dt = F(t, y) for a subset of a batch's rows, named by their indices in the original batch.
 * {@link Dopri5} drops rows that have reached the end time, so an ODE whose rows carry their own
 * constants (Hutchinson probes, per-example parameters) needs to know which rows it is given.
 */
@FunctionalInterface
public interface IndexedBatchOde {

  /**
   * F for the rows {@code rows} of the original batch (increasing indices); t is [n] and y is
   * [n, M] with n = rows.length, row j of y belonging to original row rows[j]; returns [n, M].
   */
  INDArray derivative(int[] rows, INDArray t, INDArray y);

  /** An ODE that treats every row alike, so it needs no row indices. */
  static IndexedBatchOde of(BatchOde ode) {
    return (rows, t, y) -> ode.derivative(t, y);
  }
}
