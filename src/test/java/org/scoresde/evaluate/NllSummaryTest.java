package org.scoresde.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class NllSummaryTest {

  @Test
  void mergedSummaryEqualsOnePass() {
    Random r = new Random(3);
    double[] v = new double[1001];
    NllSummary whole = new NllSummary();
    NllSummary a = new NllSummary();
    NllSummary b = new NllSummary();
    double sum = 0;
    for (int i = 0; i < v.length; i++) {
      v[i] = 3 + r.nextGaussian();
      sum += v[i];
      whole.add(v[i], 10, "s" + (i % 3));
      (i < 400 ? a : b).add(v[i], 10, "s" + (i % 3));
    }
    double mean = sum / v.length;
    double ss = 0;
    for (double x : v) {
      ss += (x - mean) * (x - mean);
    }
    double se = Math.sqrt(ss / (v.length - 1) / v.length);
    NllSummary merged = a.merge(b);
    // Welford and Chan updates are exact up to rounding: 1e-12 relative
    assertEquals(mean, merged.mean(), 1e-12);
    assertEquals(se, merged.stderr(), 1e-12);
    assertEquals(whole.stderr(), merged.stderr(), 1e-12);
    assertEquals(mean - 1.959964 * se, merged.ci95()[0], 1e-12);
    assertEquals(3, merged.perShardMeans().size());
    assertEquals(10.0, merged.nfeMean(), 0);
  }

  @Test
  void bitsPerDimHasThePublishedOffsets() {
    // a model density of exactly 1 per unit volume in [-1,1]^D: bpd = 7, and in [0,1]^D: 8
    assertEquals(7.0, BitsPerDim.of8Bit(0.0, 784, 2.0), 1e-12);
    assertEquals(8.0, BitsPerDim.of8Bit(0.0, 784, 1.0), 1e-12);
    assertEquals(7.0 + 1.0, BitsPerDim.of8Bit(-784 * Math.log(2), 784, 2.0), 1e-12);
  }
}
