package org.scoresde.ode;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Heun's method (the explicit trapezoidal rule): an Euler predictor, then the average of the slopes
 * at both ends. Second order, two evaluations of F per step.
 */
public final class Heun implements FixedGridSolver {

  @Override
  public String name() {
    return "heun";
  }

  @Override
  public int evaluationsPerStep() {
    return 2;
  }

  @Override
  public INDArray step(BatchOde ode, double t, double h, INDArray y) {
    INDArray k1 = ode.derivative(FixedGridSolver.times(y, t), y);
    INDArray predictor = k1.mul(h).addi(y);
    INDArray k2 = ode.derivative(FixedGridSolver.times(y, t + h), predictor);
    return k1.add(k2).muli(0.5 * h).addi(y);
  }
}
