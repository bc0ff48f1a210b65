package org.scoresde.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.UniformRealDistribution;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.Test;
import org.scoresde.sde.SubVpSde;
import org.scoresde.sde.VeSde;
import org.scoresde.sde.VpSde;

class UniformTimeSamplerTest {
  private static final double ETA = 1e-5;

  @Test
  void timesAreUniformOnEtaToT() {
    UniformTimeSampler s = new UniformTimeSampler(new VpSde(), LossWeighting.SIGMA2, ETA);
    double[] t = s.draw(20_000, new SplittableRandom(5)).t();
    for (double x : t) {
      assertTrue(x >= ETA && x < 1.0);
    }
    double p = new KolmogorovSmirnovTest().kolmogorovSmirnovTest(new UniformRealDistribution(ETA, 1.0), t);
    // alpha = 1e-3: a correct sampler fails with probability 1e-3 over seeds
    assertTrue(p > 1e-3, "KS p=" + p);
  }

  @Test
  void sigma2WeightIsOne() {
    UniformTimeSampler s = new UniformTimeSampler(new SubVpSde(), LossWeighting.SIGMA2, ETA);
    TimeBatch b = s.draw(100, new SplittableRandom(1));
    for (double w : b.weight()) {
      assertEquals(1.0, w);
    }
  }

  @Test
  void likelihoodWeightIsGSquaredOverSigmaSquared() {
    UniformTimeSampler vp = new UniformTimeSampler(new VpSde(), LossWeighting.LIKELIHOOD, ETA);
    UniformTimeSampler sub = new UniformTimeSampler(new SubVpSde(), LossWeighting.LIKELIHOOD, ETA);
    UniformTimeSampler ve = new UniformTimeSampler(new VeSde(), LossWeighting.LIKELIHOOD, ETA);
    for (double t : new double[] {ETA, 1e-3, 0.1, 0.5, 1.0}) {
      double beta = 0.1 + t * 19.9;
      double bigB = 0.1 * t + 0.5 * 19.9 * t * t;
      // independent closed forms; the two sides differ by a few roundings of O(1) relative-error operations
      assertEquals(beta / -Math.expm1(-bigB), vp.weight(t), 1e-14 * vp.weight(t), "vp t=" + t);
      assertEquals(beta * (1 + Math.exp(-bigB)) / -Math.expm1(-bigB), sub.weight(t), 1e-14 * sub.weight(t), "subvp t=" + t);
      assertEquals(2 * Math.log(5000), ve.weight(t), 1e-14);
    }
  }

  @Test
  void lambdaIsSigmaSquaredOrGSquared() {
    VpSde vp = new VpSde();
    assertEquals(1 - Math.exp(-(0.1 * 0.5 + 0.5 * 19.9 * 0.25)), LossWeighting.SIGMA2.lambda(vp, 0.5), 1e-15);
    assertEquals(0.1 + 0.5 * 19.9, LossWeighting.LIKELIHOOD.lambda(vp, 0.5), 1e-15);
  }

  @Test
  void rejectsEtaOutsideTheHorizon() {
    assertThrows(IllegalArgumentException.class, () -> new UniformTimeSampler(new VpSde(), LossWeighting.SIGMA2, 0.0));
    assertThrows(IllegalArgumentException.class, () -> new UniformTimeSampler(new VpSde(), LossWeighting.SIGMA2, -1e-5));
    assertThrows(IllegalArgumentException.class, () -> new UniformTimeSampler(new VpSde(), LossWeighting.SIGMA2, 1.0));
    assertThrows(IllegalArgumentException.class, () -> new UniformTimeSampler(new VpSde(), LossWeighting.SIGMA2, Double.NaN));
    assertThrows(IllegalArgumentException.class,
        () -> new UniformTimeSampler(new VpSde(), LossWeighting.SIGMA2, ETA).draw(-1, new SplittableRandom(0)));
  }
}
