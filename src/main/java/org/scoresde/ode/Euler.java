package org.scoresde.ode;

import org.nd4j.linalg.api.ndarray.INDArray;

/** The explicit Euler method y + h F(t, y): first order, one evaluation of F per step. */
public final class Euler implements FixedGridSolver {

  @Override
  public String name() {
    return "euler";
  }

  @Override
  public int evaluationsPerStep() {
    return 1;
  }

  @Override
  public INDArray step(BatchOde ode, double t, double h, INDArray y) {
    return ode.derivative(FixedGridSolver.times(y, t), y).mul(h).addi(y);
  }
}
