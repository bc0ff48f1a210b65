package org.scoresde.likelihood;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.scoresde.score.GaussianMixture;
import org.scoresde.score.GaussianMixtureScore;
import org.scoresde.sde.VpSde;

class DivergenceEstimatorTest {
  static final int D = 5;
  static final GaussianMixture MIXTURE = GaussianMixture.random(3, D, new Random(7));
  static final GaussianMixtureScore SCORE = new GaussianMixtureScore(MIXTURE, new VpSde());

  static INDArray times(double... t) {
    return Nd4j.createFromArray(t);
  }

  @Test
  void exactTraceMatchesTheAnalyticDivergenceInEveryChunking() {
    INDArray x = MIXTURE.sample(4, 11, DataType.DOUBLE);
    INDArray t = times(0.01, 0.2, 0.5, 0.9);
    int[] rows = {0, 1, 2, 3};
    double[] expected = SCORE.divergence(x, t).toDoubleVector();
    double[] score = SCORE.score(x, t).data().asDouble();
    // maxRows 4096: one call; 7: one unit vector per call; 9: two per call, the last chunk short
    for (int maxRows : new int[] {4096, 7, 9}) {
      ScoreDivergence.Result r = new ExactDivergence(maxRows).start(SCORE, 4, DataType.DOUBLE, 0).evaluate(rows, x, t);
      // D Hessian-vector products summed against a closed-form trace: only rounding differs
      assertArrayEquals(expected, r.divergence().toDoubleVector(), 1e-9 * (1 + maxAbs(expected)));
      assertArrayEquals(score, r.score().dup().data().asDouble(), 1e-12);
    }
  }

  @Test
  void hutchinsonIsUnbiasedWithTheVarianceTheoryGives() {
    int n = 2000;
    INDArray point = MIXTURE.sample(1, 3, DataType.DOUBLE);
    INDArray x = Nd4j.tile(point, n, 1);
    INDArray t = Nd4j.zeros(DataType.DOUBLE, n).addi(0.3);
    int[] rows = new int[n];
    java.util.Arrays.setAll(rows, i -> i);
    double exact = SCORE.divergence(point, times(0.3)).getDouble(0);
    // the Hessian H (symmetric) from D unit-vector products, for the variances
    INDArray h = SCORE.vjp(Nd4j.tile(point, D, 1), Nd4j.zeros(DataType.DOUBLE, D).addi(0.3), Nd4j.eye(D).castTo(DataType.DOUBLE));
    double offDiagonal = 0;
    double all = 0;
    for (int i = 0; i < D; i++) {
      for (int j = 0; j < D; j++) {
        double v = h.getDouble(i, j) * h.getDouble(i, j);
        all += v;
        offDiagonal += i == j ? 0 : v;
      }
    }
    double[][] cases = {{1, 2 * offDiagonal}, {0, 2 * all}};
    for (double[] c : cases) {
      DivergenceEstimator est = c[0] == 1 ? DivergenceEstimator.rademacher() : DivergenceEstimator.gaussian();
      double[] e = est.start(SCORE, n, DataType.DOUBLE, 42).evaluate(rows, x, t).divergence().toDoubleVector();
      double mean = mean(e);
      double var = variance(e, mean);
      double se = Math.sqrt(var / n);
      System.out.printf("%s: mean %.5f, exact %.5f, se %.4f, variance %.4f, theory %.4f%n",
          est.name(), mean, exact, se, var, c[1]);
      // unbiased: the mean of 2000 independent estimates lies within its 99% interval
      assertEquals(exact, mean, 2.576 * se);
      // the sample variance lies within its own 99% interval, SE sqrt((m4 - var^2) / n)
      assertEquals(c[1], var, 2.576 * varianceError(e, mean, var));
    }
    double[] e3 = DivergenceEstimator.rademacher(3).start(SCORE, n, DataType.DOUBLE, 43)
        .evaluate(rows, x, t).divergence().toDoubleVector();
    double var3 = variance(e3, mean(e3));
    // three probes per example divide the variance by three (99% interval as above)
    assertEquals(2 * offDiagonal / 3, var3, 2.576 * varianceError(e3, mean(e3), var3));
    assertEquals(exact, mean(e3), 2.576 * Math.sqrt(var3 / n));
  }

  @Test
  void probesAreFixedPerRowAndSeed() {
    int n = 6;
    INDArray x = MIXTURE.sample(n, 5, DataType.DOUBLE);
    INDArray t = Nd4j.linspace(0.1, 0.9, n, DataType.DOUBLE);
    int[] all = {0, 1, 2, 3, 4, 5};
    int[] some = {1, 4};
    for (DivergenceEstimator est : new DivergenceEstimator[] {DivergenceEstimator.rademacher(2), DivergenceEstimator.gaussian()}) {
      ScoreDivergence session = est.start(SCORE, n, DataType.DOUBLE, 9);
      double[] full = session.evaluate(all, x, t).divergence().toDoubleVector();
      double[] part = session.evaluate(some, x.getRows(some), times(t.getDouble(1), t.getDouble(4))).divergence().toDoubleVector();
      // a row keeps its probes when other rows leave the batch
      assertEquals(full[1], part[0], 1e-12);
      assertEquals(full[4], part[1], 1e-12);
      double[] again = est.start(SCORE, n, DataType.DOUBLE, 9).evaluate(all, x, t).divergence().toDoubleVector();
      assertArrayEquals(full, again, 0.0);
      double[] other = est.start(SCORE, n, DataType.DOUBLE, 10).evaluate(all, x, t).divergence().toDoubleVector();
      assertTrue(full[0] != other[0] || full[1] != other[1], "another seed draws other probes");
      // the first n rows of a larger batch see the same probes: row streams are split off the seed
      double[] larger = est.start(SCORE, n + 3, DataType.DOUBLE, 9).evaluate(all, x, t).divergence().toDoubleVector();
      assertArrayEquals(full, larger, 0.0);
      // with a seed per row, a row's probes come from its seed alone, wherever it sits in the batch
      long[] seeds = {31, 32, 33, 34, 35, 36};
      double[] seeded = est.start(SCORE, seeds, DataType.DOUBLE).evaluate(all, x, t).divergence().toDoubleVector();
      double[] alone = est.start(SCORE, new long[] {35}, DataType.DOUBLE)
          .evaluate(new int[] {0}, x.getRows(4), times(t.getDouble(4))).divergence().toDoubleVector();
      assertEquals(seeded[4], alone[0], 1e-12);
    }
  }

  @Test
  void parsesNames() {
    assertEquals("exact", DivergenceEstimator.parse("Exact", 1).name());
    assertEquals("rademacher", DivergenceEstimator.parse("rademacher", 2).name());
    assertEquals(2, DivergenceEstimator.parse("rademacher", 2).probes());
    assertEquals("gaussian", DivergenceEstimator.parse("GAUSSIAN", 1).name());
    assertThrows(IllegalArgumentException.class, () -> DivergenceEstimator.parse("hutch", 1));
    assertThrows(IllegalArgumentException.class, () -> DivergenceEstimator.gaussian(0));
  }

  static double mean(double[] a) {
    double s = 0;
    for (double v : a) {
      s += v;
    }
    return s / a.length;
  }

  static double variance(double[] a, double mean) {
    double s = 0;
    for (double v : a) {
      s += (v - mean) * (v - mean);
    }
    return s / (a.length - 1);
  }

  /** The standard error of a sample variance, from the sample's fourth central moment. */
  static double varianceError(double[] a, double mean, double var) {
    double m4 = 0;
    for (double v : a) {
      double c = v - mean;
      m4 += c * c * c * c;
    }
    m4 /= a.length;
    return Math.sqrt((m4 - var * var) / a.length);
  }

  static double maxAbs(double[] a) {
    double m = 0;
    for (double v : a) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }
}
