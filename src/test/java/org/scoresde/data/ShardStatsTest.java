package org.scoresde.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ShardStatsTest {
  private static final Layout RGB = new Layout(ShardFormat.IMAGES, 50, 3, 4, 3, null);
  private static final Layout VEC = new Layout(ShardFormat.CSV, 50, 1, 6, 1, null);

  @Test
  void pixelMeanAndStdMatchADirectComputationAndMergingChangesNothing() {
    ShardStats whole = new ShardStats(RGB);
    ShardStats a = new ShardStats(RGB);
    ShardStats b = new ShardStats(RGB);
    double[] sum = new double[3];
    double[] sq = new double[3];
    for (int i = 0; i < 50; i++) {
      Example e = Example.ofPixels(i, i % 4, TestFiles.pixels(i, 36));
      whole.add(e, "f" + (i % 3));
      (i < 17 ? a : b).add(e, "f" + (i % 3));
      for (int c = 0; c < 3; c++) {
        for (int j = 0; j < 12; j++) {
          double v = e.pixels()[c * 12 + j] & 0xFF;
          sum[c] += v;
          sq[c] += v * v;
        }
      }
    }
    ShardStats merged = b.merge(a);
    for (int c = 0; c < 3; c++) {
      double mean = sum[c] / 600;
      double std = Math.sqrt(sq[c] / 600 - mean * mean);
      // sums of at most 600 values below 2^16 each are exact in double: only the final rounding differs
      assertEquals(mean, whole.mean()[c], 1e-12);
      assertEquals(std, whole.std()[c], 1e-9);
    }
    assertArrayEquals(whole.mean(), merged.mean());
    assertArrayEquals(whole.std(), merged.std());
    assertEquals(whole.checksum(), merged.checksum());
    assertEquals(Map.of(0, 13L, 1, 13L, 2, 12L, 3, 12L), merged.labelCounts());
    assertEquals(Map.of("f0", 17L, "f1", 17L, "f2", 16L), merged.rowsPerFile());
    assertTrue(merged.indicesLookComplete());
  }

  @Test
  void floatStatisticsMergeLikeOnePass() {
    Random rng = new Random(5);
    float[][] rows = new float[50][6];
    ShardStats whole = new ShardStats(VEC);
    ShardStats[] parts = {new ShardStats(VEC), new ShardStats(VEC), new ShardStats(VEC)};
    double s = 0;
    double q = 0;
    for (int i = 0; i < 50; i++) {
      for (int j = 0; j < 6; j++) {
        rows[i][j] = (float) (1000 + rng.nextGaussian() * 3);
        s += rows[i][j];
      }
      Example e = Example.ofValues(i, Example.UNLABELLED, rows[i]);
      whole.add(e, null);
      parts[i % 3].add(e, null);
    }
    double mean = s / 300;
    for (float[] r : rows) {
      for (float v : r) {
        q += (v - mean) * (v - mean);
      }
    }
    ShardStats merged = parts[0].merge(parts[1]).merge(parts[2]);
    // two-pass reference in double; Welford/Chan differ from it by rounding only (values ~1e3, 300 terms)
    assertEquals(mean, merged.mean()[0], 1e-9);
    assertEquals(Math.sqrt(q / 300), merged.std()[0], 1e-9);
    assertEquals(whole.std()[0], merged.std()[0], 1e-9);
    assertTrue(merged.labelCounts().isEmpty());
  }

  @Test
  void theChecksumDependsOnContentNotOrder() {
    ShardStats forward = new ShardStats(RGB);
    ShardStats backward = new ShardStats(RGB);
    ShardStats changed = new ShardStats(RGB);
    for (int i = 0; i < 50; i++) {
      forward.add(Example.ofPixels(i, 1, TestFiles.pixels(i, 36)), null);
      backward.add(Example.ofPixels(49 - i, 1, TestFiles.pixels(49 - i, 36)), null);
      byte[] p = TestFiles.pixels(i, 36);
      if (i == 20) {
        p[35] ^= 1;
      }
      changed.add(Example.ofPixels(i, 1, p), null);
    }
    assertEquals(forward.checksum(), backward.checksum());
    assertNotEquals(forward.checksum(), changed.checksum());
    ShardStats missing = new ShardStats(RGB);
    for (int i = 1; i < 50; i++) {
      missing.add(Example.ofPixels(i, 1, TestFiles.pixels(i, 36)), null);
    }
    assertFalse(missing.indicesLookComplete());
  }
}
