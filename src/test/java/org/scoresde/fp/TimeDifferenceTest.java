package org.scoresde.fp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TimeDifferenceTest {

  private static double apply(TimeDifference.Steps h, java.util.function.DoubleUnaryOperator f, double t) {
    return h.later() * f.applyAsDouble(t + h.forward()) + h.center() * f.applyAsDouble(t)
        + h.earlier() * f.applyAsDouble(t - h.backward());
  }

  @Test
  void threePointFormulaIsExactForQuadratics() {
    TimeDifference.Steps h = TimeDifference.reference().at(0.4);
    double fd = apply(h, t -> 1 + 2 * t + 3 * t * t, 0.4);
    // exact for degree 2; the weights are ~1e3, so rounding leaves ~1e3 * 1e-16 * |f| ~ 1e-12
    assertEquals(2 + 6 * 0.4, fd, 1e-10);
  }

  @Test
  void errorOnACubicIsTheProductOfTheStepsAsDerived() {
    // f = t^3: f''' = 6, fourth derivative 0, so FD - f' = (h+ h- / 6) * 6 = h+ h- exactly
    for (TimeDifference td : new TimeDifference[] {TimeDifference.reference(), TimeDifference.central(1e-2),
        new TimeDifference(3e-2, 1e-2, 0.5)}) {
      TimeDifference.Steps h = td.at(0.7);
      double fd = apply(h, t -> t * t * t, 0.7);
      assertEquals(3 * 0.7 * 0.7 + h.forward() * h.backward(), fd, 1e-11, td.toString());
    }
  }

  @Test
  void centralDifferenceHasNoCentreWeight() {
    TimeDifference.Steps h = TimeDifference.central(1e-3).at(0.5);
    assertEquals(0.0, h.center(), 0.0);
    assertEquals(1 / 2e-3, h.later(), 1e-9);
    assertEquals(-1 / 2e-3, h.earlier(), 1e-9);
  }

  @Test
  void stepsShrinkInProportionNearTimeZero() {
    TimeDifference td = TimeDifference.reference();
    TimeDifference.Steps far = td.at(0.5);
    assertEquals(1e-3, far.backward(), 0.0);
    assertEquals(5e-4, far.forward(), 0.0);
    TimeDifference.Steps near = td.at(1e-3);
    assertEquals(0.05 * 1e-3, near.backward(), 1e-18);
    assertEquals(0.025 * 1e-3, near.forward(), 1e-18);
    assertThrows(IllegalArgumentException.class, () -> td.at(0.0));
  }

  @Test
  void stepsRecoveredFromTimesGiveTheSameWeights() {
    TimeDifference.Steps h = TimeDifference.reference().at(0.3);
    TimeDifference.Steps back = TimeDifference.Steps.of(0.3 - h.backward(), 0.3, 0.3 + h.forward());
    assertEquals(h.later(), back.later(), 1e-6 * Math.abs(h.later()));
    assertEquals(h.earlier(), back.earlier(), 1e-6 * Math.abs(h.earlier()));
  }
}
