package org.scoresde.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.scoresde.sde.Sde;
import org.scoresde.sde.SubVpSde;
import org.scoresde.sde.VeSde;
import org.scoresde.sde.VpSde;

class EmpiricalOptimalScoreTest {
  private static final List<Sde> SDES = List.of(new VpSde(), new SubVpSde(), new VeSde());
  private static final int ROWS = 5;

  private static double[] uniformPoints(int m, int d, long seed) {
    Random rng = new Random(seed);
    double[] y = new double[m * d];
    for (int p = 0; p < y.length; p++) {
      y[p] = -1 + 2 * rng.nextDouble();
    }
    return y;
  }

  /** Rows near data points: gamma y_m plus noise of the diffused scale, and (unless sigma is tiny) one far from every point. */
  private static double[] queries(double[] y, int m, int d, Sde sde, double t, long seed) {
    Random rng = new Random(seed);
    double gamma = sde.meanScale(t);
    double sigma = sde.std(t);
    double[] x = new double[ROWS * d];
    for (int i = 0; i < ROWS; i++) {
      int k = rng.nextInt(m);
      // far from the data and at sigma < 0.01 the log density is a piecewise quadratic (a Voronoi
      // diagram) with kinks O(sigma^2) wide, too sharp for finite differences: keep such rows near data
      boolean far = i == ROWS - 1 && sigma >= 0.01;
      for (int j = 0; j < d; j++) {
        x[i * d + j] = far ? 1.5 * rng.nextGaussian() : gamma * y[k * d + j] + sigma * rng.nextGaussian();
      }
    }
    return x;
  }

  /** (1/M) sum_m N(x; gamma y_m, sigma^2 I) term by term, with a log-sum-exp. */
  private static double referenceLogDensity(double[] y, int m, int d, double gamma, double sigma, double[] x, int row) {
    double[] terms = new double[m];
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < m; k++) {
      double q = 0;
      for (int j = 0; j < d; j++) {
        double r = x[row * d + j] - gamma * y[k * d + j];
        q += r * r;
      }
      terms[k] = -0.5 * q / (sigma * sigma) - 0.5 * d * Math.log(2 * Math.PI * sigma * sigma) - Math.log(m);
      max = Math.max(max, terms[k]);
    }
    double s = 0;
    for (double v : terms) {
      s += Math.exp(v - max);
    }
    return max + Math.log(s);
  }

  private static INDArray times(int n, double t) {
    return Nd4j.valueArrayOf(new long[] {n}, t, DataType.DOUBLE);
  }

  private static double maxAbs(double[] a, int from, int len) {
    double m = 0;
    for (int i = from; i < from + len; i++) {
      m = Math.max(m, Math.abs(a[i]));
    }
    return m;
  }

  @Test
  void densityScoreAndVjpAreExact() {
    int m = 40;
    double worstLog = 0;
    double worstScore = 0;
    double worstVjp = 0;
    Random rng = new Random(3);
    for (Sde sde : SDES) {
      for (int d : new int[] {1, 2, 10, 50}) {
        double[] y = uniformPoints(m, d, d);
        EmpiricalOptimalScore model = new EmpiricalOptimalScore(FiniteDifference.matrix(y, m, d), sde);
        for (double t : new double[] {1e-3, 0.05, 0.5, 1.0}) {
          double gamma = sde.meanScale(t);
          double sigma = sde.std(t);
          double[] x = queries(y, m, d, sde, t, 17);
          INDArray xa = FiniteDifference.matrix(x, ROWS, d);
          INDArray tt = times(ROWS, t);
          double[] lp = FiniteDifference.flat(model.logDensity(xa, tt));
          for (int i = 0; i < ROWS; i++) {
            double ref = referenceLogDensity(y, m, d, gamma, sigma, x, i);
            double err = Math.abs(lp[i] - ref) / Math.max(1, Math.abs(ref));
            worstLog = Math.max(worstLog, err);
            // logits are exact to 1e-11 absolute (expanded distances, recomputed directly where they
            // would lose more), so is log p (measured: 5e-13 relative)
            assertTrue(err < 1e-10, sde.name() + " D=" + d + " t=" + t + ": log density error " + err);
          }
          // finite-difference steps a small fraction of sigma_t, the scale on which the score varies
          double h = 1e-4 * sigma;
          double[] s = FiniteDifference.flat(model.score(xa, tt));
          double[] fd = FiniteDifference.gradient(xx -> model.logDensity(xx, tt), x, ROWS, d, h);
          for (int i = 0; i < ROWS; i++) {
            double scale = 1 + maxAbs(s, i * d, d);
            for (int j = 0; j < d; j++) {
              double err = Math.abs(fd[i * d + j] - s[i * d + j]) / scale;
              worstScore = Math.max(worstScore, err);
              // truncation (h / sigma)^2 ~ 1e-8 relative; the 1e-11 logit rounding
              // over h = 1e-4 sigma is 1e-7 of |s| ~ 1 / sigma (measured: 7e-8)
              assertTrue(err < 1e-6, sde.name() + " D=" + d + " t=" + t + ": score error " + err);
            }
          }
          double[] v = new double[ROWS * d];
          for (int p = 0; p < v.length; p++) {
            v[p] = rng.nextGaussian();
          }
          double[] jv = FiniteDifference.flat(model.vjp(xa, tt, FiniteDifference.matrix(v, ROWS, d)));
          double[] fdv = FiniteDifference.directional(xx -> model.score(xx, tt), x, v, ROWS, d, h);
          for (int i = 0; i < ROWS; i++) {
            double scale = 1 + maxAbs(jv, i * d, d);
            for (int j = 0; j < d; j++) {
              double err = Math.abs(fdv[i * d + j] - jv[i * d + j]) / scale;
              worstVjp = Math.max(worstVjp, err);
              // same step and bound: the Hessian is symmetric, so J v = v^T J
              assertTrue(err < 1e-6, sde.name() + " D=" + d + " t=" + t + ": vjp error " + err);
            }
          }
        }
      }
    }
    System.out.printf("empirical: worst relative errors log density %.2e, score %.2e, vjp %.2e%n",
        worstLog, worstScore, worstVjp);
  }

  @Test
  void agreesWithAMixtureOfNearlyPointMasses() {
    // equal weights and covariances eps I with eps = 1e-12: the diffused variances gamma^2 eps + sigma^2
    // differ from sigma^2 by under 1e-12 / sigma^2 <= 1e-9 relative for t >= 0.05
    int m = 6;
    int d = 3;
    double[] y = uniformPoints(m, d, 8);
    double[] w = new double[m];
    double[][] mu = new double[m][];
    double[][][] cov = new double[m][d][d];
    for (int k = 0; k < m; k++) {
      w[k] = 1.0 / m;
      mu[k] = Arrays.copyOfRange(y, k * d, (k + 1) * d);
      for (int j = 0; j < d; j++) {
        cov[k][j][j] = 1e-12;
      }
    }
    GaussianMixture g = new GaussianMixture(w, mu, cov);
    for (Sde sde : SDES) {
      EmpiricalOptimalScore empirical = new EmpiricalOptimalScore(FiniteDifference.matrix(y, m, d), sde);
      GaussianMixtureScore mixture = new GaussianMixtureScore(g, sde);
      for (double t : new double[] {0.05, 0.3, 1.0}) {
        INDArray x = FiniteDifference.matrix(queries(y, m, d, sde, t, 5), ROWS, d);
        INDArray tt = times(ROWS, t);
        INDArray v = Nd4j.randn(DataType.DOUBLE, ROWS, d);
        assertClose(mixture.logDensity(x, tt), empirical.logDensity(x, tt), 1e-8);
        assertClose(mixture.score(x, tt), empirical.score(x, tt), 1e-8);
        assertClose(mixture.vjp(x, tt, v), empirical.vjp(x, tt, v), 1e-7);
        assertClose(mixture.denoise(x, tt), empirical.denoise(x, tt), 1e-8);
        assertClose(mixture.divergence(x, tt), empirical.divergence(x, tt), 1e-7);
      }
    }
  }

  private static void assertClose(INDArray expected, INDArray actual, double relative) {
    double[] e = FiniteDifference.flat(expected);
    double[] a = FiniteDifference.flat(actual);
    assertEquals(e.length, a.length);
    double scale = 1 + maxAbs(e, 0, e.length);
    for (int p = 0; p < e.length; p++) {
      assertEquals(e[p], a[p], relative * scale, "entry " + p);
    }
  }

  @Test
  void denoiserAtSmallTimeReturnsTheNearestPoint() {
    int m = 300;
    int d = 20;
    double[] y = uniformPoints(m, d, 4);
    for (Sde sde : SDES) {
      EmpiricalOptimalScore model = new EmpiricalOptimalScore(FiniteDifference.matrix(y, m, d), sde);
      double t = 1e-5;
      double gamma = sde.meanScale(t);
      Random rng = new Random(6);
      int n = 50;
      double[] x = new double[n * d];
      for (int p = 0; p < x.length; p++) {
        x[p] = -1.2 + 2.4 * rng.nextDouble();
      }
      double[] den = FiniteDifference.flat(model.denoise(FiniteDifference.matrix(x, n, d), times(n, t)));
      int checked = 0;
      for (int i = 0; i < n; i++) {
        int best = 0;
        double bestDist = Double.POSITIVE_INFINITY;
        double second = Double.POSITIVE_INFINITY;
        for (int k = 0; k < m; k++) {
          double q = 0;
          for (int j = 0; j < d; j++) {
            double r = x[i * d + j] - gamma * y[k * d + j];
            q += r * r;
          }
          if (q < bestDist) {
            second = bestDist;
            bestDist = q;
            best = k;
          } else if (q < second) {
            second = q;
          }
        }
        // the runner-up's weight is exp(-(d2^2 - d1^2) / (2 sigma^2)) with sigma <= 0.01 at t = 1e-5,
        // below 1e-21 once the squared distances differ by 1e-2: skip the rare nearer ties
        if (second - bestDist < 1e-2) {
          continue;
        }
        checked++;
        for (int j = 0; j < d; j++) {
          assertEquals(y[best * d + j], den[i * d + j], 1e-12, sde.name() + " row " + i);
        }
      }
      assertTrue(checked >= 40, "only " + checked + " unambiguous test points");
    }
  }

  @Test
  void denoiserAtLargeNoiseReturnsTheMeanOfThePoints() {
    int m = 100;
    int d = 4;
    double[] y = uniformPoints(m, d, 12);
    double[] mean = new double[d];
    for (int k = 0; k < m; k++) {
      for (int j = 0; j < d; j++) {
        mean[j] += y[k * d + j] / m;
      }
    }
    VeSde ve = new VeSde();
    EmpiricalOptimalScore model = new EmpiricalOptimalScore(FiniteDifference.matrix(y, m, d), ve);
    double[] x = {3, -2, 1, 0};
    double[] den = FiniteDifference.flat(model.denoise(FiniteDifference.matrix(x, 1, d), times(1, 1.0)));
    for (int j = 0; j < d; j++) {
      // at sigma = 50 the weights are uniform up to |x - y| |y| / sigma^2 ~ 1e-2 relative; |y| <= 2 bounds the shift
      assertEquals(mean[j], den[j], 2e-2 * 2);
    }
  }

  @Test
  void divergenceIsTheTraceOfTheVjp() {
    int m = 200;
    int d = 50;
    int n = 3;
    double[] y = uniformPoints(m, d, 21);
    for (Sde sde : SDES) {
      EmpiricalOptimalScore model = new EmpiricalOptimalScore(FiniteDifference.matrix(y, m, d), sde);
      double t = 0.3;
      INDArray x = FiniteDifference.matrix(queries(y, m, d, sde, t, 9), ROWS, d).get(
          NDArrayIndex.interval(0, n), NDArrayIndex.all());
      INDArray tt = times(n, t);
      double[] trace = new double[n];
      for (int j = 0; j < d; j++) {
        INDArray e = Nd4j.zeros(DataType.DOUBLE, n, d);
        e.getColumn(j).assign(1);
        double[] row = FiniteDifference.flat(model.vjp(x, tt, e));
        for (int i = 0; i < n; i++) {
          trace[i] += row[i * d + j];
        }
      }
      double[] div = FiniteDifference.flat(model.divergence(x, tt));
      for (int i = 0; i < n; i++) {
        // one exact formula summed two ways; the uncentred second moment in the divergence loses
        // ~1e-16 |y|^2 gamma^2 / sigma^4 against |trace| ~ D / sigma^2
        assertEquals(trace[i], div[i], 1e-9 * Math.abs(trace[i]), sde.name());
      }
    }
  }

  @Test
  void vjpIsExactAtImageScale() {
    int m = 2000;
    int d = 784;
    int n = 32;
    INDArray points = Nd4j.rand(DataType.DOUBLE, m, d).muli(2).subi(1);
    VpSde vp = new VpSde();
    EmpiricalOptimalScore model = new EmpiricalOptimalScore(points.castTo(DataType.FLOAT), vp);
    double t = 0.5;
    INDArray x = points.get(NDArrayIndex.interval(0, n),
        NDArrayIndex.all()).castTo(DataType.FLOAT).castTo(DataType.DOUBLE)
        .muli(vp.meanScale(t)).addi(Nd4j.randn(DataType.DOUBLE, n, d).muli(vp.std(t)));
    INDArray tt = times(n, t);
    INDArray v = Nd4j.randn(DataType.DOUBLE, n, d);
    long start = System.nanoTime();
    INDArray jv = model.vjp(x, tt, v);
    double ms = (System.nanoTime() - start) / 1e6;
    System.out.printf("empirical vjp, M=%d D=%d N=%d: %.1f ms%n", m, d, n, ms);
    double h = 1e-4 * vp.std(t);
    double[] fd = FiniteDifference.directional(xx -> model.score(xx, tt), FiniteDifference.flat(x),
        FiniteDifference.flat(v), n, d, h);
    double[] a = FiniteDifference.flat(jv);
    double scale = 1 + maxAbs(a, 0, a.length);
    for (int p = 0; p < a.length; p++) {
      // step 1e-4 sigma: truncation ~1e-8, rounding 1e-16 |s| / h ~ 1e-10 relative
      assertEquals(fd[p], a[p], 1e-6 * scale);
    }
    assertEquals(DataType.FLOAT, model.score(x.castTo(DataType.FLOAT), tt).dataType());
  }

  @Test
  void survivesJavaSerialisation() throws Exception {
    int m = 30;
    int d = 3;
    EmpiricalOptimalScore model = new EmpiricalOptimalScore(FiniteDifference.matrix(uniformPoints(m, d, 2), m, d), new VeSde());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(model);
    }
    EmpiricalOptimalScore back;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      back = (EmpiricalOptimalScore) in.readObject();
    }
    INDArray x = Nd4j.randn(DataType.DOUBLE, 4, d);
    INDArray t = times(4, 0.2);
    INDArray v = Nd4j.randn(DataType.DOUBLE, 4, d);
    assertEquals(model.score(x, t), back.score(x, t));
    assertEquals(model.vjp(x, t, v), back.vjp(x, t, v));
    assertEquals(model.points(), back.points());
  }
}
