package org.scoresde.time;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.UniformRealDistribution;
import org.apache.commons.math3.stat.correlation.PearsonsCorrelation;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.Test;
import org.scoresde.sde.VpSde;

class SeedsTest {

  @Test
  void mixIsTheSplitMix64Finaliser() {
    // the JDK's SplittableRandom(s).nextLong() is mix64(s + golden gamma): an independent reference
    for (long s : new long[] {0L, 1L, -1L, 42L, Long.MIN_VALUE, 0x123456789abcdefL}) {
      assertEquals(new SplittableRandom(s).nextLong(), Seeds.mix(s + 0x9e3779b97f4a7c15L));
    }
  }

  @Test
  void sameCoordinatesGiveTheSameTimes() {
    TimeSampler s = new ImportanceTimeSampler(new VpSde(), 1e-5);
    TimeBatch a = s.draw(64, Seeds.random(7, 3, 12));
    TimeBatch b = s.draw(64, Seeds.random(7, 3, 12));
    assertArrayEquals(a.t(), b.t());
    assertArrayEquals(a.weight(), b.weight());
    assertEquals(Seeds.seed(7, 3, 12), Seeds.seed(7, 3, 12));
  }

  @Test
  void differentCoordinatesGiveDifferentTimes() {
    TimeSampler s = new ImportanceTimeSampler(new VpSde(), 1e-5);
    double[] base = s.draw(64, Seeds.random(7, 3, 12)).t();
    for (long[] c : new long[][] {{7, 3, 13}, {7, 4, 12}, {8, 3, 12}, {3, 7, 12}, {12, 3, 7}}) {
      double[] other = s.draw(64, Seeds.random(c[0], c[1], c[2])).t();
      assertFalse(java.util.Arrays.equals(base, other), java.util.Arrays.toString(c));
    }
  }

  @Test
  void seedsOfAGridAreDistinct() {
    Set<Long> seen = new HashSet<>();
    int count = 0;
    for (long run : new long[] {0, 1, 42}) {
      for (long epoch = 0; epoch < 100; epoch++) {
        for (long part = 0; part < 100; part++) {
          seen.add(Seeds.seed(run, epoch, part));
          count++;
        }
      }
    }
    // 30000 64-bit values collide with probability ~ 2.4e-11 if the map is random-like
    assertEquals(count, seen.size());
    assertNotEquals(Seeds.seed(1, 2, 3), Seeds.derive(Seeds.seed(1, 2, 3), 0));
    assertNotEquals(Seeds.derive(99, 0), Seeds.derive(99, 1));
  }

  @Test
  void neighbouringPartitionsAndEpochsAreDecorrelated() {
    int n = 20_000;
    double[] part = new double[n];
    double[] nextPart = new double[n];
    double[] nextEpoch = new double[n];
    for (int i = 0; i < n; i++) {
      part[i] = Seeds.random(2024, 0, i).nextDouble();
      nextPart[i] = Seeds.random(2024, 0, i + 1).nextDouble();
      nextEpoch[i] = Seeds.random(2024, 1, i).nextDouble();
    }
    double p = new KolmogorovSmirnovTest().kolmogorovSmirnovTest(new UniformRealDistribution(0, 1), part);
    // alpha = 1e-3 for the first draw of consecutive partitions being U(0, 1)
    assertTrue(p > 1e-3, "KS p=" + p);
    PearsonsCorrelation pc = new PearsonsCorrelation();
    // under independence the sample correlation has standard error 1/sqrt(n) = 0.007: allow 5 of them
    double bound = 5 / Math.sqrt(n);
    assertTrue(Math.abs(pc.correlation(part, nextPart)) < bound);
    assertTrue(Math.abs(pc.correlation(part, nextEpoch)) < bound);
  }
}
