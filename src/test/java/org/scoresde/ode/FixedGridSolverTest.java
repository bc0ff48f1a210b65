package org.scoresde.ode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class FixedGridSolverTest {

  /** y' = (cos t + 1/2) y, with y(t) = y(s) exp(sin t - sin s + (t - s)/2): a time-varying linear ODE. */
  static final BatchOde LINEAR = (t, y) -> y.mulColumnVector(
      org.nd4j.linalg.ops.transforms.Transforms.cos(t, true).addi(0.5).reshape(t.length(), 1));

  static double exactFactor(double s, double t) {
    return Math.exp(Math.sin(t) - Math.sin(s) + 0.5 * (t - s));
  }

  static INDArray startState() {
    return Nd4j.create(new double[][] {{1.0, -2.0}, {0.5, 3.0}, {-1.5, 0.25}}).castTo(DataType.DOUBLE);
  }

  static double[] grid(double from, double to, int steps) {
    double[] g = new double[steps + 1];
    for (int k = 0; k <= steps; k++) {
      g[k] = from + (to - from) * k / steps;
    }
    g[steps] = to;
    return g;
  }

  static double meanError(FixedGridSolver solver, double from, double to, int steps) {
    INDArray y0 = startState();
    INDArray y = solver.integrate(LINEAR, y0, grid(from, to, steps));
    INDArray exact = y0.mul(exactFactor(from, to));
    return y.sub(exact).norm1Number().doubleValue() / y.length();
  }

  /** The observed order log2(e(h) / e(h/2)) at the finest pair of a sequence of halvings. */
  static double observedOrder(FixedGridSolver solver, double from, double to, int coarse) {
    double e1 = meanError(solver, from, to, coarse);
    double e2 = meanError(solver, from, to, 2 * coarse);
    return Math.log(e1 / e2) / Math.log(2);
  }

  @Test
  void eulerIsFirstOrder() {
    // the leading error term dominates once h is small: the measured order is within 0.05 of p
    double fwd = observedOrder(new Euler(), 0, 2, 160);
    double bwd = observedOrder(new Euler(), 2, 0, 160);
    System.out.printf("Euler observed order: forward %.4f, backward %.4f%n", fwd, bwd);
    assertEquals(1.0, fwd, 0.05);
    assertEquals(1.0, bwd, 0.05);
  }

  @Test
  void heunIsSecondOrder() {
    double fwd = observedOrder(new Heun(), 0, 2, 100);
    double bwd = observedOrder(new Heun(), 2, 0, 100);
    System.out.printf("Heun observed order: forward %.4f, backward %.4f%n", fwd, bwd);
    assertEquals(2.0, fwd, 0.05);
    assertEquals(2.0, bwd, 0.05);
  }

  @Test
  void rk4IsFourthOrder() {
    // errors stay near 1e-6, far above double rounding (1e-16), so the ratio is the truncation's
    double fwd = observedOrder(new Rk4(), 0, 2, 20);
    double bwd = observedOrder(new Rk4(), 2, 0, 20);
    System.out.printf("RK4 observed order: forward %.4f, backward %.4f; error at 40 steps %.3g%n",
        fwd, bwd, meanError(new Rk4(), 0, 2, 40));
    assertEquals(4.0, fwd, 0.1);
    assertEquals(4.0, bwd, 0.1);
  }

  @Test
  void trajectoryMatchesIntegrateAndCountsEvaluations() {
    double[] g = grid(1.0, 0.0, 7);
    for (FixedGridSolver solver : new FixedGridSolver[] {new Euler(), new Heun(), new Rk4()}) {
      int[] calls = {0};
      BatchOde counted = (t, y) -> {
        calls[0]++;
        return LINEAR.derivative(t, y);
      };
      INDArray y0 = startState();
      INDArray copy = y0.dup();
      List<INDArray> path = solver.trajectory(counted, y0, g);
      assertEquals(g.length, path.size());
      assertEquals(copy, path.get(0));
      assertEquals(copy, y0, "the start state must not be modified");
      INDArray last = solver.integrate(counted, y0, g);
      assertEquals(0.0, last.sub(path.get(g.length - 1)).amaxNumber().doubleValue(), 0.0);
      assertEquals(2 * solver.evaluations(g), calls[0]);
      assertEquals(solver.evaluationsPerStep() * 7L, solver.evaluations(g));
    }
  }

  @Test
  void fMayReturnItsInput() {
    BatchOde growth = (t, y) -> y;
    for (FixedGridSolver solver : new FixedGridSolver[] {new Euler(), new Heun(), new Rk4()}) {
      INDArray y0 = startState();
      INDArray y = solver.integrate(growth, y0, grid(0, 1, 50));
      assertEquals(startState(), y0, solver.name() + " must not modify the state F returns");
      // y' = y: e^1 within the coarsest method's global error, Euler's ~ e h / 2 = 0.03 times max y0 = 3
      assertEquals(0.0, y.sub(y0.mul(Math.E)).amaxNumber().doubleValue(), 0.03 * 3.0);
    }
    OdeResult r = Dopri5.defaults().integrate(growth, startState(), 0, 1);
    assertEquals(0.0, r.y().sub(startState().mul(Math.E)).amaxNumber().doubleValue(), 1e-4);
  }

  @Test
  void floatStateStaysFloat() {
    INDArray y0 = startState().castTo(DataType.FLOAT);
    INDArray y = new Rk4().integrate(LINEAR, y0, grid(0, 1, 20));
    assertEquals(DataType.FLOAT, y.dataType());
    INDArray exact = startState().mul(exactFactor(0, 1));
    // float32 rounding (~1e-7 relative per step over 20 steps) bounds the error, not RK4's 1e-7
    assertTrue(y.castTo(DataType.DOUBLE).sub(exact).amaxNumber().doubleValue() < 2e-5);
  }

  @Test
  void rejectsBadGrids() {
    INDArray y0 = startState();
    assertThrows(IllegalArgumentException.class, () -> new Euler().integrate(LINEAR, y0, new double[] {0, 1, 0.5}));
    assertThrows(IllegalArgumentException.class, () -> new Euler().integrate(LINEAR, y0, new double[] {0, 0}));
    assertThrows(IllegalArgumentException.class, () -> new Euler().integrate(LINEAR, y0, new double[] {0, Double.NaN}));
    assertArrayEquals(y0.toDoubleMatrix(), new Heun().integrate(LINEAR, y0, new double[] {0.3}).toDoubleMatrix());
  }
}
