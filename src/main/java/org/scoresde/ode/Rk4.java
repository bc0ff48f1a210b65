package org.scoresde.ode;

import org.nd4j.linalg.api.ndarray.INDArray;

/** The classical fourth-order Runge-Kutta method: four evaluations of F per step. */
public final class Rk4 implements FixedGridSolver {

  @Override
  public String name() {
    return "rk4";
  }

  @Override
  public int evaluationsPerStep() {
    return 4;
  }

  @Override
  public INDArray step(BatchOde ode, double t, double h, INDArray y) {
    INDArray mid = FixedGridSolver.times(y, t + 0.5 * h);
    INDArray k1 = ode.derivative(FixedGridSolver.times(y, t), y);
    INDArray k2 = ode.derivative(mid, k1.mul(0.5 * h).addi(y));
    INDArray k3 = ode.derivative(mid, k2.mul(0.5 * h).addi(y));
    INDArray k4 = ode.derivative(FixedGridSolver.times(y, t + h), k3.mul(h).addi(y));
    return k2.add(k3).muli(2).addi(k1).addi(k4).muli(h / 6.0).addi(y);
  }
}
