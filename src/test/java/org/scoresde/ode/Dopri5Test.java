package org.scoresde.ode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class Dopri5Test {

  /** u' = v, v' = -w_r^2 u for row r: u = cos(w t), v = -w sin(w t) from (1, 0) at t = 0. */
  static IndexedBatchOde oscillators(double[] w) {
    return (rows, t, y) -> {
      double[] w2 = new double[rows.length];
      for (int i = 0; i < rows.length; i++) {
        w2[i] = -w[rows[i]] * w[rows[i]];
      }
      INDArray u = y.getColumn(0).reshape(rows.length, 1);
      INDArray v = y.getColumn(1).reshape(rows.length, 1);
      INDArray col = Nd4j.createFromArray(w2).castTo(y.dataType()).reshape(rows.length, 1);
      return Nd4j.hstack(v, u.mul(col));
    };
  }

  static INDArray oscillatorStart(int n) {
    INDArray y = Nd4j.zeros(DataType.DOUBLE, n, 2);
    y.getColumn(0).assign(1.0);
    return y;
  }

  /** y' = -lambda_r (y - cos t) for row r from y(0) = 0: stiff when lambda is large. */
  static IndexedBatchOde relaxation(double[] lambda) {
    return (rows, t, y) -> {
      double[] l = new double[rows.length];
      for (int i = 0; i < rows.length; i++) {
        l[i] = -lambda[rows[i]];
      }
      INDArray col = Nd4j.createFromArray(l).castTo(y.dataType()).reshape(rows.length, 1);
      INDArray cos = org.nd4j.linalg.ops.transforms.Transforms.cos(t, true).reshape(rows.length, 1);
      return y.subColumnVector(cos).mulColumnVector(col);
    };
  }

  static double relaxationExact(double lambda, double t) {
    double l2 = lambda * lambda;
    return (l2 * Math.cos(t) + lambda * Math.sin(t) - l2 * Math.exp(-lambda * t)) / (l2 + 1);
  }

  @Test
  void errorStaysWithinToleranceOnKnownSolutions() {
    double tol = 1e-6;
    INDArray y0 = FixedGridSolverTest.startState();
    OdeResult r = new Dopri5(tol, tol).integrate(FixedGridSolverTest.LINEAR, y0, 0, 2);
    INDArray exact = y0.mul(FixedGridSolverTest.exactFactor(0, 2));
    double err = r.y().sub(exact).amaxNumber().doubleValue();
    double scale = tol + tol * exact.amaxNumber().doubleValue();
    System.out.printf("Dopri5 linear: max error %.3g = %.3f x (atol + rtol |y|), steps %s, NFE %d%n",
        err, err / scale, Arrays.toString(r.acceptedSteps()), r.evaluations());
    // local error per step is held below the tolerance; over this short horizon the global error
    // of a non-stiff problem stays of the same order, so a factor 5 leaves room without being loose
    assertTrue(err < 5 * scale, "error " + err);

    double[] w = {1, 2, 3};
    OdeResult o = new Dopri5(tol, tol).integrate(oscillators(w), oscillatorStart(3), 0, 3);
    for (int i = 0; i < 3; i++) {
      double eu = Math.abs(o.y().getDouble(i, 0) - Math.cos(w[i] * 3));
      double ev = Math.abs(o.y().getDouble(i, 1) + w[i] * Math.sin(w[i] * 3));
      System.out.printf("Dopri5 oscillator w = %.0f: errors %.3g, %.3g, steps %d%n", w[i], eu, ev, o.acceptedSteps()[i]);
      // a few periods of a neutral oscillator: the phase error grows linearly, still a few x tol
      assertTrue(eu < 10 * tol * w[i] && ev < 10 * tol * w[i] * w[i]);
    }
  }

  @Test
  void integratesBackwardToTheStart() {
    double tol = 1e-7;
    INDArray y0 = FixedGridSolverTest.startState();
    INDArray y2 = y0.mul(FixedGridSolverTest.exactFactor(0, 2));
    OdeResult back = new Dopri5(tol, tol).integrate(FixedGridSolverTest.LINEAR, y2, 2, 0);
    double err = back.y().sub(y0).amaxNumber().doubleValue();
    System.out.printf("Dopri5 backward 2 -> 0: max error %.3g, steps %s%n", err, Arrays.toString(back.acceptedSteps()));
    // backward the solution shrinks by exp(-2.9): errors made early are damped; 5 x (atol + rtol |y|)
    assertTrue(err < 5 * (tol + tol * 3), "error " + err);
    assertEquals(y0.dup(), FixedGridSolverTest.startState(), "start state untouched");
  }

  @Test
  void stepCountsFallAsToleranceLoosens() {
    double[] tols = {1e-9, 1e-7, 1e-5, 1e-3};
    int[] steps = new int[tols.length];
    double[] errs = new double[tols.length];
    double[] w = {2};
    for (int k = 0; k < tols.length; k++) {
      OdeResult r = new Dopri5(tols[k], tols[k]).integrate(oscillators(w), oscillatorStart(1), 0, 3);
      steps[k] = r.acceptedSteps()[0];
      errs[k] = Math.abs(r.y().getDouble(0, 0) - Math.cos(6));
    }
    System.out.printf("Dopri5 steps by tol %s: %s, errors %s%n", Arrays.toString(tols), Arrays.toString(steps), Arrays.toString(errs));
    for (int k = 0; k + 1 < tols.length; k++) {
      assertTrue(steps[k + 1] < steps[k], "steps must fall as the tolerance loosens");
      assertTrue(errs[k + 1] > errs[k], "errors must grow as the tolerance loosens");
      // a 5th-order local error controller needs h ~ tol^(1/5): 100x looser tol -> ~2.5x fewer steps
      double ratio = (double) steps[k] / steps[k + 1];
      assertTrue(ratio > 1.8 && ratio < 3.5, "step ratio " + ratio);
    }
  }

  @Test
  void fastRowDoesNotSlowTheOthers() {
    double tol = 1e-6;
    double[] w = {40, 1, 1.5, 2};
    OdeResult mixed = new Dopri5(tol, tol).integrate(oscillators(w), oscillatorStart(4), 0, 1);
    System.out.printf("Dopri5 mixed oscillators: accepted %s, rejected %s, NFE %d, rows evaluated %d%n",
        Arrays.toString(mixed.acceptedSteps()), Arrays.toString(mixed.rejectedSteps()),
        mixed.evaluations(), mixed.rowEvaluations());
    int fast = mixed.acceptedSteps()[0];
    for (int i = 1; i < 4; i++) {
      assertTrue(10 * mixed.acceptedSteps()[i] < fast, "slow row " + i + " took " + mixed.acceptedSteps()[i]);
    }
    double[] slowW = {1, 1.5, 2};
    OdeResult alone = new Dopri5(tol, tol).integrate(oscillators(slowW), oscillatorStart(3), 0, 1);
    for (int i = 1; i < 4; i++) {
      // every row is its own problem: the same steps and, row-wise arithmetic, the same state
      assertEquals(alone.acceptedSteps()[i - 1], mixed.acceptedSteps()[i]);
      assertEquals(alone.rejectedSteps()[i - 1], mixed.rejectedSteps()[i]);
      assertEquals(alone.y().getDouble(i - 1, 0), mixed.y().getDouble(i, 0), 1e-14);
      assertEquals(alone.y().getDouble(i - 1, 1), mixed.y().getDouble(i, 1), 1e-14);
    }
    // every row starts together and attempts one step per sweep: 1 (k1) + 1 (first step) + 6 per sweep
    int sweeps = 0;
    long attempts = 0;
    for (int i = 0; i < 4; i++) {
      sweeps = Math.max(sweeps, mixed.acceptedSteps()[i] + mixed.rejectedSteps()[i]);
      attempts += mixed.acceptedSteps()[i] + mixed.rejectedSteps()[i];
    }
    assertEquals(2 + 6L * sweeps, mixed.evaluations());
    assertEquals(2 * 4 + 6 * attempts, mixed.rowEvaluations(), "finished rows must leave the batch");
    for (int i = 0; i < 4; i++) {
      // a row's own NFE: k1, the first-step probe and six per attempted step; alone or batched alike
      assertEquals(2 + 6 * (mixed.acceptedSteps()[i] + mixed.rejectedSteps()[i]), mixed.evaluationsPerRow()[i]);
      if (i > 0) {
        assertEquals(alone.evaluationsPerRow()[i - 1], mixed.evaluationsPerRow()[i]);
      }
    }
    assertEquals(mixed.rowEvaluations(), Arrays.stream(mixed.evaluationsPerRow()).sum());
    assertTrue(mixed.meanEvaluationsPerRow() < mixed.evaluations(), "the batch's count is the slowest row's");
    double fastErr = Math.abs(mixed.y().getDouble(0, 0) - Math.cos(40));
    // 6 periods at rtol 1e-6: the phase error accumulates to ~1e-5 at most
    assertTrue(fastErr < 1e-3, "fast row error " + fastErr);
  }

  @Test
  void stepsRunInAWorkspaceAndResultsOutliveIt() {
    double[] w = {3, 1};
    int[] calls = {0};
    int[] detached = {0};
    IndexedBatchOde inner = oscillators(w);
    IndexedBatchOde watched = (rows, t, y) -> {
      // the arrays a step hands to F live in the step's workspace: reused, never left to the GC;
      // only the first call of an integration sees the solver's own copy of y0
      calls[0]++;
      detached[0] += t.isAttached() ? 0 : 100;
      detached[0] += y.isAttached() ? 0 : 1;
      return inner.derivative(rows, t, y);
    };
    Dopri5 solver = new Dopri5(1e-6, 1e-6);
    OdeResult first = solver.integrate(watched, oscillatorStart(2), 0, 1);
    double[][] kept = first.y().toDoubleMatrix();
    OdeResult second = solver.integrate(watched, oscillatorStart(2).muli(2), 0, 1);
    assertTrue(calls[0] > 50, "calls " + calls[0]);
    assertEquals(2, detached[0], "F saw arrays outside the step workspace");
    assertTrue(!first.y().isAttached() && !second.y().isAttached(), "results are detached");
    // a later integration reuses the workspace's memory; an earlier result must not change with it
    assertArrayEquals(kept, first.y().toDoubleMatrix());
    assertEquals(Math.cos(3), first.y().getDouble(0, 0), 1e-5);
    assertEquals(2 * Math.cos(1), second.y().getDouble(1, 0), 1e-5);
  }

  @Test
  void stiffRowIsStabilityLimitedAlone() {
    double tol = 1e-5;
    double[] lambda = {1000, 1, 1, 1};
    OdeResult r = new Dopri5(tol, tol).integrate(relaxation(lambda), Nd4j.zeros(DataType.DOUBLE, 4, 1), 0, 1);
    System.out.printf("Dopri5 stiff row: accepted %s, rejected %s%n",
        Arrays.toString(r.acceptedSteps()), Arrays.toString(r.rejectedSteps()));
    // explicit RK is stable only for |h lambda| < ~3.3: >= 1000/3.3 ~ 300 steps for the stiff row
    assertTrue(r.acceptedSteps()[0] > 200);
    for (int i = 1; i < 4; i++) {
      assertTrue(r.acceptedSteps()[i] < 40, "slow row " + i + " took " + r.acceptedSteps()[i]);
      assertEquals(relaxationExact(1, 1), r.y().getDouble(i, 0), 1e-4);
    }
    // the stiff row tracks the slow manifold; its error is held at the tolerance by step control
    assertEquals(relaxationExact(1000, 1), r.y().getDouble(0, 0), 1e-4);
  }

  @Test
  void guardsAgainstRunawayIntegrations() {
    double[] w = {200, 1};
    IntegrationFailedException limit = assertThrows(IntegrationFailedException.class,
        () -> new Dopri5(1e-6, 1e-6).withMaxSteps(30).integrate(oscillators(w), oscillatorStart(2), 0, 2));
    System.out.println("step limit: " + limit.getMessage());
    assertEquals(0, limit.row());
    assertTrue(limit.getMessage().contains("withMaxSteps"));

    // y' = y^2 from y(0) = 1 is 1 / (1 - t): it blows up at t = 1, so no step size can pass it
    BatchOde blowsUp = (t, y) -> y.mul(y);
    IntegrationFailedException singular = assertThrows(IntegrationFailedException.class,
        () -> new Dopri5(1e-6, 1e-6).integrate(blowsUp, Nd4j.ones(DataType.DOUBLE, 1, 1), 0, 2));
    System.out.println("singular: " + singular.getMessage());
    assertEquals(1.0, singular.time(), 1e-3);
  }

  @Test
  void trivialIntervalsAndFloatState() {
    INDArray y0 = FixedGridSolverTest.startState();
    OdeResult none = Dopri5.defaults().integrate(FixedGridSolverTest.LINEAR, y0, 0.7, 0.7);
    assertEquals(0, none.evaluations());
    assertArrayEquals(y0.toDoubleMatrix(), none.y().toDoubleMatrix());

    OdeResult f = new Dopri5(1e-5, 1e-5).integrate(FixedGridSolverTest.LINEAR, y0.castTo(DataType.FLOAT), 0, 1);
    assertEquals(DataType.FLOAT, f.y().dataType());
    INDArray exact = y0.mul(FixedGridSolverTest.exactFactor(0, 1));
    // float32 rounding (6e-8 relative) stays below the 1e-5 tolerance
    assertTrue(f.y().castTo(DataType.DOUBLE).sub(exact).amaxNumber().doubleValue() < 1e-4);

    OdeResult fixed = new Dopri5(1e-5, 1e-5).withFirstStep(0.01).integrate(FixedGridSolverTest.LINEAR, y0, 0, 1);
    assertEquals(1 + 6L * (fixed.acceptedSteps()[0] + fixed.rejectedSteps()[0]), fixed.evaluations(),
        "a given first step costs no extra evaluation");
  }
}
