package org.scoresde.sde;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The stated marginals solve the moment equations of dx = a(t) x dt + g(t) dW: the mean obeys
 * d gamma/dt = a gamma, and the variance Var(t) = gamma_t^2 v0 + sigma_t^2 of x_t for x0 with
 * variance v0 obeys dVar/dt = 2 a(t) Var + g(t)^2, for every v0. Checked by Richardson-extrapolated
 * central differences (error O(h^4)): sub-VP's Var ~ t^2 near 0 has relative rate 1/t, which a plain
 * central difference resolves only to ~1e-6 at t = 0.01.
 */
class SdeVarianceConsistencyTest {
  private static final double H = 1e-5;
  private static final double[] TIMES = {0.01, 0.1, 0.3, 0.5, 0.9, 0.99};
  private static final List<Sde> SDES = List.of(new VpSde(), new SubVpSde(), new VeSde(), new VpSde(0.5, 5.0),
      new SubVpSde(1.0, 12.0), new VeSde(0.1, 3.0));

  private static double variance(Sde sde, double t, double v0) {
    double g = sde.meanScale(t);
    double s = sde.std(t);
    return g * g * v0 + s * s;
  }

  @Test
  void varianceSolvesItsOde() {
    for (Sde sde : SDES) {
      for (double v0 : new double[] {0.0, 0.25, 4.0}) {
        for (double t : TIMES) {
          double lhs = derivative(u -> variance(sde, u, v0), t);
          double rhs = 2 * sde.driftCoefficient(t) * variance(sde, t, v0) + sde.diffusionSquared(t);
          // truncation ~ (H r)^4 |Var'| with rates r <= max(20, 1/t) <= 100: 1e-12 relative, so 1e-9 is slack;
          // rounding of the four variances: <= 3 ulp(Var) / H
          double tol = 1e-9 * Math.abs(rhs) + 4 * Math.ulp(variance(sde, t + H, v0)) / H;
          assertEquals(rhs, lhs, tol, sde + " v0=" + v0 + " t=" + t);
        }
      }
    }
  }

  @Test
  void meanScaleSolvesItsOde() {
    for (Sde sde : SDES) {
      for (double t : TIMES) {
        double lhs = derivative(sde::meanScale, t);
        double rhs = sde.driftCoefficient(t) * sde.meanScale(t);
        // as above, with gamma <= 1 rounded to 1.1e-16
        assertEquals(rhs, lhs, 1e-9 * Math.abs(rhs) + 4 * 1.1e-16 / H, sde + " t=" + t);
      }
    }
  }

  /** (4 D(H/2) - D(H)) / 3 with D(h) the central difference: the h^2 error terms cancel. */
  private static double derivative(DoubleUnaryOperator f, double t) {
    double d1 = (f.applyAsDouble(t + H) - f.applyAsDouble(t - H)) / (2 * H);
    double d2 = (f.applyAsDouble(t + H / 2) - f.applyAsDouble(t - H / 2)) / H;
    return (4 * d2 - d1) / 3;
  }
}
