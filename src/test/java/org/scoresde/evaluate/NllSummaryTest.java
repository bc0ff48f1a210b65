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
  void perLabelSummariesMergeLikeOnePassAndSkipUnlabelled() {
    Random r = new Random(5);
    NllSummary whole = new NllSummary();
    NllSummary a = new NllSummary();
    NllSummary b = new NllSummary();
    double[] sum = new double[3];
    int[] n = new int[3];
    for (int i = 0; i < 300; i++) {
      int label = i % 4 == 3 ? -1 : i % 3;
      double v = 2 + label + r.nextGaussian();
      whole.add(v, 1, "s", label);
      (i % 2 == 0 ? a : b).add(v, 1, "s", label);
      if (label >= 0) {
        sum[label] += v;
        n[label]++;
      }
    }
    NllSummary merged = a.merge(b);
    assertEquals(300, merged.count());
    assertEquals(3, merged.perLabel().size());
    for (int label = 0; label < 3; label++) {
      Moments m = merged.perLabel().get(label);
      assertEquals(n[label], m.count());
      assertEquals(sum[label] / n[label], m.mean(), 1e-12);
      assertEquals(whole.perLabel().get(label).stderr(), m.stderr(), 1e-12);
    }
  }

  @Test
  void bitsPerDimHasThePublishedOffsets() {
    // a model density of exactly 1 per unit volume in [-1,1]^D: bpd = 7, and in [0,1]^D: 8
    assertEquals(7.0, BitsPerDim.of8Bit(0.0, 784, 2.0), 1e-12);
    assertEquals(8.0, BitsPerDim.of8Bit(0.0, 784, 1.0), 1e-12);
    assertEquals(7.0 + 1.0, BitsPerDim.of8Bit(-784 * Math.log(2), 784, 2.0), 1e-12);
  }
}
