package org.scoresde.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.scoresde.sde.Sde;
import org.scoresde.sde.SubVpSde;
import org.scoresde.sde.VeSde;
import org.scoresde.sde.VpSde;

/** The coefficients of the output preconditioning against what they are defined to do. */
public class PreconditioningTest {
  private static final List<Sde> SDES = List.of(new VpSde(), new SubVpSde(), new VeSde(0.01, 50.0));
  private static final double[] TIMES = {1e-5, 1e-3, 0.05, 0.3, 0.7, 1.0};

  @Test
  void noneIsPlainNoisePrediction() {
    for (Sde sde : SDES) {
      for (double t : TIMES) {
        assertEquals(0.0, Preconditioning.NONE.skip(sde, t));
        assertEquals(1.0, Preconditioning.NONE.out(sde, t));
      }
    }
  }

  /**
   * x_t = gamma x0 + sigma eps with x0 of variance s^2 independent of eps: the target
   * (eps - c_skip x_t) / c_out has variance ((1 - c_skip sigma)^2 + c_skip^2 gamma^2 s^2) / c_out^2,
   * which skip makes 1 at every t; and c_skip is the variance-minimizing weight (the derivative of the
   * numerator in c_skip vanishes there).
   */
  @Test
  void skipGivesTheTargetUnitVarianceWithTheSmallestResidual() {
    for (double s : new double[] {0.5, 1.0, 3.0}) {
      Preconditioning p = new Preconditioning("skip", s);
      for (Sde sde : SDES) {
        for (double t : TIMES) {
          double gamma = sde.meanScale(t);
          double sigma = sde.std(t);
          double c = p.skip(sde, t);
          double out = p.out(sde, t);
          double residual = Math.pow(1 - c * sigma, 2) + c * c * gamma * gamma * s * s;
          assertEquals(1.0, residual / (out * out), 1e-12, sde.name() + " t=" + t + " s=" + s);
          double slope = -2 * sigma * (1 - c * sigma) + 2 * c * gamma * gamma * s * s;
          assertEquals(0.0, slope, 1e-9 * (1 + Math.abs(2 * sigma)), sde.name() + " t=" + t);
        }
      }
    }
  }

  @Test
  void skipIsNoisePredictionAtSmallTimesAndCarriesTheInputAtLarge() {
    Preconditioning p = Preconditioning.of("skip");
    for (Sde sde : SDES) {
      assertEquals(1.0, p.out(sde, 1e-5), 1e-3, sde.name());
      assertTrue(p.skip(sde, 1e-5) * sde.std(1e-5) < 1e-3, sde.name() + ": the input's share of the noise at t = 1e-5");
      double sigma = sde.std(1.0);
      // at t = 1 the noise is almost all of x_t: c_skip x_t ~ x_t / sigma and the network's share is small
      assertEquals(1.0 / sigma, p.skip(sde, 1.0), 0.05 / sigma, sde.name());
      assertTrue(p.out(sde, 1.0) < 0.02, sde.name() + " c_out(1) = " + p.out(sde, 1.0));
    }
  }

  @Test
  void unknownKindOrBadStandardDeviationIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> Preconditioning.of("edm"));
    assertThrows(IllegalArgumentException.class, () -> new Preconditioning("skip", 0.0));
    assertEquals(Preconditioning.NONE, new Preconditioning(null, 0.5));
    assertEquals(Preconditioning.NONE, new Preconditioning("none", 0.82), "none ignores the data scale");
    assertEquals("skip", Preconditioning.of("SKIP").kind());
  }
}
