package org.scoresde.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class GaussianMixtureTest {
  private static final double[][] I2 = {{1, 0}, {0, 1}};

  private static void assertRejected(String fragment, Runnable r) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
    assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' should mention '" + fragment + "'");
  }

  @Test
  void jsonRoundTripIsExact() {
    for (int d : new int[] {1, 3, 10}) {
      GaussianMixture g = GaussianMixture.random(4, d, new Random(d));
      GaussianMixture back = GaussianMixture.fromJson(g.toJson());
      assertEquals(g, back);
      assertEquals(g.toJson(), back.toJson());
    }
  }

  @Test
  void readsTheDocumentedFormat() {
    String json = "{\"weights\":[0.25,0.75],\"means\":[[0,1],[2,-1]],"
        + "\"covariances\":[[[1,0.5],[0.5,2]],[[0.1,0],[0,0.1]]]}";
    GaussianMixture g = GaussianMixture.fromJson(json);
    assertEquals(2, g.components());
    assertEquals(2, g.dimension());
    assertArrayEquals(new double[] {0.25, 0.75}, g.weights());
    assertArrayEquals(new double[] {2, -1}, g.mean(1));
    assertArrayEquals(new double[] {0.5, 2}, g.covariance(0)[1]);
    double[] l = g.eigenvalues(0).clone();
    Arrays.sort(l);
    // eigenvalues of [[1, .5], [.5, 2]]: (3 -+ sqrt(2)) / 2
    assertEquals((3 - Math.sqrt(2)) / 2, l[0], 1e-14);
    assertEquals((3 + Math.sqrt(2)) / 2, l[1], 1e-14);
  }

  @Test
  void invalidParametersAreRejectedByName() {
    double[][] m2 = {{0, 0}, {1, 1}};
    double[][][] c2 = {I2, I2};
    assertRejected("weight 1", () -> new GaussianMixture(new double[] {1.5, -0.5}, m2, c2));
    assertRejected("sum to 1", () -> new GaussianMixture(new double[] {0.5, 0.4}, m2, c2));
    assertRejected("shapes disagree", () -> new GaussianMixture(new double[] {1}, m2, c2));
    assertRejected("at least one component", () -> new GaussianMixture(new double[0], new double[0][], new double[0][][]));
    assertRejected("mean 1 has dimension 3", () -> new GaussianMixture(new double[] {0.5, 0.5},
        new double[][] {{0, 0}, {1, 1, 1}}, c2));
    assertRejected("covariance 1 must be 2 x 2", () -> new GaussianMixture(new double[] {0.5, 0.5}, m2,
        new double[][][] {I2, {{1}}}));
    assertRejected("not symmetric", () -> new GaussianMixture(new double[] {1}, new double[][] {{0, 0}},
        new double[][][] {{{1, 0.5}, {0.4, 1}}}));
    assertRejected("not positive definite", () -> new GaussianMixture(new double[] {1}, new double[][] {{0, 0}},
        new double[][][] {{{1, 2}, {2, 1}}}));
    assertRejected("not positive definite", () -> new GaussianMixture(new double[] {1}, new double[][] {{0, 0}},
        new double[][][] {{{1, 1}, {1, 1}}}));
    assertRejected("non-finite", () -> new GaussianMixture(new double[] {1}, new double[][] {{0, Double.NaN}},
        new double[][][] {I2}));
    assertRejected("malformed", () -> GaussianMixture.fromJson("{\"weights\":[1"));
    String cut = "{\"weights\": [1.0], \"means\": [[0,0]],\n \"covariances\": [[[1,0],[0,1]";
    String told = assertThrows(IllegalArgumentException.class, () -> GaussianMixture.fromJson(cut)).getMessage();
    // one line naming the place, without the parser's echo of the input
    assertEquals("Gaussian mixture JSON is malformed: Unexpected end-of-input: expected close marker for Array at line 2, column 30",
        told);
    assertRejected("'covariances'", () -> GaussianMixture.fromJson("{\"weights\":[1],\"means\":[[0]]}"));
    assertRejected("means[0][1] must be a number",
        () -> GaussianMixture.fromJson("{\"weights\":[1],\"means\":[[0,\"a\"]],\"covariances\":[[[1,0],[0,1]]]}"));
  }

  @Test
  void weightsWithinToleranceAreNormalisedAndInputsAreCopied() {
    double[] w = {0.5 + 4e-10, 0.5};
    double[][] m = {{0}, {3}};
    double[][][] c = {{{1}}, {{2}}};
    GaussianMixture g = new GaussianMixture(w, m, c);
    assertEquals(1.0, g.weight(0) + g.weight(1), 1e-15);
    m[1][0] = 99;
    c[1][0][0] = 99;
    g.weights()[0] = 99;
    assertEquals(3, g.mean(1)[0]);
    assertEquals(2, g.covariance(1)[0][0]);
    assertEquals(0.5, g.weight(0), 1e-9);
  }

  @Test
  void randomMixturesAreReproducibleWellConditionedAndWellSeparated() {
    for (int d : new int[] {1, 2, 10, 50}) {
      GaussianMixture g = GaussianMixture.random(4, d, new Random(42));
      assertEquals(g, GaussianMixture.random(4, d, new Random(42)));
      assertNotEquals(g, GaussianMixture.random(4, d, new Random(43)));
      double minSep = Double.POSITIVE_INFINITY;
      double maxStd = 0;
      for (int k = 0; k < 4; k++) {
        for (double v : g.mean(k)) {
          assertTrue(v >= -2 && v <= 2, "mean entry " + v);
        }
        for (double l : g.eigenvalues(k)) {
          // eigenvalues drawn in [0.05, 0.5] (lower where four means crowd one dimension); the
          // decomposition recovers them to rounding
          double lo = d == 1 ? 0.01 : 0.05;
          assertTrue(l > lo - 1e-12 && l < 0.5 + 1e-12, "D=" + d + ": eigenvalue " + l);
          maxStd = Math.max(maxStd, Math.sqrt(l));
        }
        assertTrue(g.weight(k) > 1.0 / 4 / 2 - 1e-12 && g.weight(k) < 2.0 / 4 + 1e-12);
        if (d > 1) {
          assertTrue(Math.abs(g.covariance(k)[0][1]) > 1e-6, "covariance should be full");
        }
        for (int o = 0; o < k; o++) {
          double s = 0;
          for (int j = 0; j < d; j++) {
            s += Math.pow(g.mean(k)[j] - g.mean(o)[j], 2);
          }
          minSep = Math.min(minSep, Math.sqrt(s));
        }
      }
      // the widest standard deviation is at most a fifth of the closest pair's distance
      assertTrue(minSep >= 5 * maxStd - 1e-12, "D=" + d + ": separation " + minSep + " vs std " + maxStd);
    }
  }

  @Test
  void samplesFollowTheWeightsMeansAndCovariances() {
    GaussianMixture g = GaussianMixture.random(3, 2, new Random(7));
    int n = 20000;
    GaussianMixture.LabelledSample s = g.sampleWithComponents(n, 123, DataType.DOUBLE);
    assertEquals(s.points(), g.sample(n, 123, DataType.DOUBLE));
    assertArrayEquals(s.components(), g.sampleComponents(n, 123));
    assertNotEquals(s.points(), g.sample(n, 124, DataType.DOUBLE));
    assertEquals(DataType.FLOAT, g.sample(3, 1, DataType.FLOAT).dataType());
    double[] x = FiniteDifference.flat(s.points());
    int[] count = new int[3];
    double[][] sum = new double[3][2];
    double[][][] sq = new double[3][2][2];
    for (int i = 0; i < n; i++) {
      int k = s.components()[i];
      count[k]++;
      for (int a = 0; a < 2; a++) {
        sum[k][a] += x[2 * i + a];
        for (int b = 0; b < 2; b++) {
          sq[k][a][b] += x[2 * i + a] * x[2 * i + b];
        }
      }
    }
    for (int k = 0; k < 3; k++) {
      double w = g.weight(k);
      // 5 binomial standard errors
      assertEquals(w, count[k] / (double) n, 5 * Math.sqrt(w * (1 - w) / n));
      double[][] c = g.covariance(k);
      for (int a = 0; a < 2; a++) {
        double mean = sum[k][a] / count[k];
        // 5 standard errors of a mean of count[k] draws
        assertEquals(g.mean(k)[a], mean, 5 * Math.sqrt(c[a][a] / count[k]));
        for (int b = 0; b < 2; b++) {
          double cov = sq[k][a][b] / count[k] - mean * (sum[k][b] / count[k]);
          // 5 standard errors of a sample covariance: sqrt((c_aa c_bb + c_ab^2) / n)
          assertEquals(c[a][b], cov, 5 * Math.sqrt((c[a][a] * c[b][b] + c[a][b] * c[a][b]) / count[k]));
        }
      }
    }
    int[] guess = g.mostLikelyComponents(s.points());
    int agree = 0;
    for (int i = 0; i < n; i++) {
      agree += guess[i] == s.components()[i] ? 1 : 0;
    }
    // components at least 4 standard deviations apart overlap in well under 1% of the mass
    assertTrue(agree > 0.99 * n, "classified " + agree + " of " + n);
  }

  @Test
  void logDensityAtTimeZeroIntegratesToOne() {
    GaussianMixture g = GaussianMixture.random(3, 1, new Random(9));
    int n = 4001;
    double lo = -6;
    double hi = 6;
    double step = (hi - lo) / (n - 1);
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = lo + i * step;
    }
    double[] lp = FiniteDifference.flat(g.logDensity(FiniteDifference.matrix(x, n, 1)));
    double integral = 0;
    for (int i = 0; i < n; i++) {
      integral += Math.exp(lp[i]) * step * (i == 0 || i == n - 1 ? 0.5 : 1);
    }
    // trapezoid rule on a smooth density with step 3e-3 (error ~1e-7) and tails beyond |x| = 6 (< 1e-9)
    assertEquals(1.0, integral, 1e-6);
    INDArray one = FiniteDifference.matrix(new double[] {0.3}, 1, 1);
    assertEquals(1, g.logDensity(one).length());
  }
}
