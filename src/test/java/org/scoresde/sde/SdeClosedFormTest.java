package org.scoresde.sde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The SDE coefficients against the closed forms of VP, sub-VP and VE (as score_sde defines them),
 * written out independently here (defaults b0 = 0.1, b1 = 20; smin = 0.01, smax = 50). Tolerances: each side is a handful of
 * correctly rounded operations on O(1) numbers, so a few hundred ulp covers both.
 */
class SdeClosedFormTest {
  private static final double[] TIMES = {1e-5, 1e-3, 0.1, 0.5, 0.77, 1.0};
  private static final double B0 = 0.1;
  private static final double B1 = 20.0;

  private static double logGamma(double t) {
    return -t * t * (B1 - B0) / 4 - t * B0 / 2;
  }

  private static double beta(double t) {
    return B0 + t * (B1 - B0);
  }

  @Test
  void vpMarginalMatchesClosedForm() {
    VpSde vp = new VpSde();
    for (double t : TIMES) {
      double lg = logGamma(t);
      double var = -Math.expm1(2 * lg);
      assertEquals(Math.exp(lg), vp.meanScale(t), 1e-14);
      assertEquals(Math.sqrt(var), vp.std(t), 1e-14 * Math.sqrt(var));
      assertEquals(beta(t), vp.diffusionSquared(t), 1e-14 * beta(t));
      assertEquals(-beta(t) / 2, vp.driftCoefficient(t), 1e-14 * beta(t));
      assertEquals(2 * lg - Math.log(var), vp.logSnr(t), 1e-13 * Math.max(1, Math.abs(vp.logSnr(t))));
      assertRoundTrip(vp, t);
    }
  }

  @Test
  void subVpMarginalMatchesClosedForm() {
    SubVpSde sub = new SubVpSde();
    for (double t : TIMES) {
      double lg = logGamma(t);
      double sigma = -Math.expm1(2 * lg);
      double g2 = beta(t) * -Math.expm1(-2 * B0 * t - (B1 - B0) * t * t);
      assertEquals(Math.exp(lg), sub.meanScale(t), 1e-14);
      assertEquals(sigma, sub.std(t), 1e-14 * sigma);
      assertEquals(g2, sub.diffusionSquared(t), 1e-13 * g2);
      assertEquals(-beta(t) / 2, sub.driftCoefficient(t), 1e-14 * beta(t));
      assertEquals(2 * lg - 2 * Math.log(sigma), sub.logSnr(t), 1e-13 * Math.max(1, Math.abs(sub.logSnr(t))));
      assertTrue(sub.std(t) <= new VpSde().std(t), "sub-VP std stays below VP's");
      assertRoundTrip(sub, t);
    }
  }

  @Test
  void veMarginalMatchesClosedForm() {
    VeSde ve = new VeSde();
    double logRatio = Math.log(50 / 0.01);
    for (double t : TIMES) {
      double sigma = 0.01 * Math.pow(5000, t);
      assertEquals(1.0, ve.meanScale(t));
      assertEquals(0.0, ve.driftCoefficient(t));
      assertEquals(sigma, ve.std(t), 1e-14 * sigma);
      assertEquals(sigma * sigma * 2 * logRatio, ve.diffusionSquared(t), 1e-13 * sigma * sigma * 2 * logRatio);
      assertEquals(-2 * Math.log(sigma), ve.logSnr(t), 1e-13 * Math.max(1, Math.abs(ve.logSnr(t))));
      assertRoundTrip(ve, t);
    }
    assertEquals(Math.sqrt(0.5), ve.std(0.5), 1e-15, "sigma(1/2) = sqrt(smin smax)");
    assertEquals(0.01, ve.std(0.0), 1e-17);
    assertEquals(50.0, ve.std(1.0), 1e-12);
  }

  @Test
  void logSnrDecreases() {
    for (Sde sde : List.of(new VpSde(), new SubVpSde(), new VeSde())) {
      double prev = Double.POSITIVE_INFINITY;
      for (int i = 1; i <= 1000; i++) {
        double l = sde.logSnr(i / 1000.0);
        assertTrue(l < prev, sde.name() + " at " + i);
        prev = l;
      }
    }
  }

  @Test
  void priorLogDensityIsStandardNormal() {
    INDArray x = Nd4j.create(new double[][] {{0, 0}, {1, 2}}).castTo(DataType.DOUBLE);
    for (Sde sde : List.of(new VpSde(), new SubVpSde())) {
      INDArray lp = sde.priorLogDensity(x);
      assertEquals(-Math.log(2 * Math.PI), lp.getDouble(0), 1e-12);
      assertEquals(-Math.log(2 * Math.PI) - 2.5, lp.getDouble(1), 1e-12);
    }
  }

  @Test
  void vePriorLogDensityHasStdSigmaMax() {
    INDArray x = Nd4j.create(new double[][] {{0, 0, 0}, {50, -100, 0}}).castTo(DataType.DOUBLE);
    INDArray lp = new VeSde().priorLogDensity(x);
    double c = -1.5 * Math.log(2 * Math.PI * 2500);
    assertEquals(c, lp.getDouble(0), 1e-12);
    assertEquals(c - 0.5 * (2500 + 10000) / 2500, lp.getDouble(1), 1e-12);
  }

  @Test
  void factoryReadsNamesAndParameters() {
    assertEquals("vp", Sdes.create("VP").name());
    assertEquals("subvp", Sdes.create("sub-vp").name());
    VeSde ve = (VeSde) Sdes.create("ve", Map.of("sigma_max", 10.0));
    assertEquals(10.0, ve.sigmaMax());
    assertEquals(0.01, ve.sigmaMin());
    VpSde vp = (VpSde) Sdes.create("vp", new VpSde(0.2, 10).parameters());
    assertEquals(0.2, vp.betaMin());
    assertEquals(10.0, vp.betaMax());
    assertThrows(IllegalArgumentException.class, () -> Sdes.create("edm"));
  }

  private static void assertRoundTrip(Sde sde, double t) {
    // logSnr carries a few ulp of absolute error, which moves t by that over |d logSnr/dt| = g^2/sigma^2
    double lambda = sde.logSnr(t);
    double s = sde.std(t);
    double tol = 16 * Math.ulp(Math.abs(lambda)) * s * s / sde.diffusionSquared(t) + 1e-13 * t;
    assertEquals(t, sde.timeOfLogSnr(lambda), tol, sde.name() + " t=" + t);
  }
}
