package org.scoresde.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.scoresde.sde.Sde;
import org.scoresde.sde.SubVpSde;
import org.scoresde.sde.VeSde;
import org.scoresde.sde.VpSde;

class GaussianMixtureScoreTest {
  private static final List<Sde> SDES = List.of(new VpSde(), new SubVpSde(), new VeSde());
  private static final int[] DIMS = {1, 2, 10, 50};
  private static final double[] TIMES = {1e-5, 0.05, 0.5, 1.0};
  private static final int ROWS = 6;

  /** log N(x; m, C) by a Cholesky factor: independent of the eigenbasis the model uses. */
  private static double gaussianLogDensity(double[] x, double[] m, double[][] c) {
    int d = x.length;
    RealMatrix l = new CholeskyDecomposition(new Array2DRowRealMatrix(c)).getL();
    double[] y = new double[d];
    double quad = 0;
    double logDet = 0;
    for (int i = 0; i < d; i++) {
      double v = x[i] - m[i];
      for (int j = 0; j < i; j++) {
        v -= l.getEntry(i, j) * y[j];
      }
      y[i] = v / l.getEntry(i, i);
      quad += y[i] * y[i];
      logDet += 2 * Math.log(l.getEntry(i, i));
    }
    return -0.5 * (d * Math.log(2 * Math.PI) + logDet + quad);
  }

  /** The diffused mixture's log density written out from its definition, with covariances formed explicitly. */
  private static double referenceLogDensity(GaussianMixture g, Sde sde, double t, double[] x) {
    double gamma = sde.meanScale(t);
    double sigma = sde.std(t);
    int d = g.dimension();
    double[] terms = new double[g.components()];
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < g.components(); k++) {
      double[] m = g.mean(k);
      double[][] c = g.covariance(k);
      for (int i = 0; i < d; i++) {
        m[i] *= gamma;
        for (int j = 0; j < d; j++) {
          c[i][j] *= gamma * gamma;
        }
        c[i][i] += sigma * sigma;
      }
      terms[k] = Math.log(g.weight(k)) + gaussianLogDensity(x, m, c);
      max = Math.max(max, terms[k]);
    }
    double s = 0;
    for (double v : terms) {
      s += Math.exp(v - max);
    }
    return max + Math.log(s);
  }

  /** Points drawn from the diffused marginal at t, plus blends of pairs of them where responsibilities mix. */
  private static double[] testPoints(GaussianMixtureScore model, double t, long seed) {
    int d = model.dimension();
    GaussianMixture.LabelledSample s = model.marginal(t).sampleWithComponents(ROWS, seed, DataType.DOUBLE);
    double[] x = FiniteDifference.flat(s.points());
    double[] out = x.clone();
    for (int j = 0; j < d; j++) {
      out[4 * d + j] = 0.5 * (x[0 * d + j] + x[1 * d + j]);
      out[5 * d + j] = 0.6 * x[2 * d + j] + 0.4 * x[3 * d + j];
    }
    return out;
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
  void logDensityMatchesTheMixtureFormedExplicitly() {
    double worst = 0;
    for (Sde sde : SDES) {
      for (int d : DIMS) {
        GaussianMixtureScore model = new GaussianMixtureScore(GaussianMixture.random(3, d, new Random(d)), sde);
        for (double t : TIMES) {
          double[] x = testPoints(model, t, 11);
          double[] lp = FiniteDifference.flat(model.logDensity(FiniteDifference.matrix(x, ROWS, d), times(ROWS, t)));
          for (int i = 0; i < ROWS; i++) {
            double ref = referenceLogDensity(model.mixture(), sde, t, Arrays.copyOfRange(x, i * d, (i + 1) * d));
            double err = Math.abs(lp[i] - ref) / Math.max(1, Math.abs(ref));
            worst = Math.max(worst, err);
            // two double-precision factorisations of matrices with condition number <= 10: agreement
            // to ~1e-14 (measured: 2e-15)
            assertEquals(ref, lp[i], 1e-12 * Math.max(1, Math.abs(ref)), sde.name() + " D=" + d + " t=" + t);
          }
        }
      }
    }
    System.out.printf("GMM logDensity vs Cholesky reference: worst relative error %.2e%n", worst);
  }

  @Test
  void oneComponentIsTheClosedFormGaussian() {
    double[][] cov = {{0.3, 0.1}, {0.1, 0.2}};
    double[] mu = {0.5, -1.0};
    GaussianMixture g = new GaussianMixture(new double[] {1.0}, new double[][] {mu}, new double[][][] {cov});
    VpSde vp = new VpSde();
    GaussianMixtureScore model = new GaussianMixtureScore(g, vp);
    double t = 0.3;
    double gamma = vp.meanScale(t);
    double s2 = Math.pow(vp.std(t), 2);
    // the 2x2 covariance gamma^2 C + s2 I, its inverse and determinant written out by hand
    double a = gamma * gamma * 0.3 + s2;
    double b = gamma * gamma * 0.1;
    double c = gamma * gamma * 0.2 + s2;
    double det = a * c - b * b;
    double[] x = {0.7, -0.2};
    double dx = x[0] - gamma * mu[0];
    double dy = x[1] - gamma * mu[1];
    double quad = (c * dx * dx - 2 * b * dx * dy + a * dy * dy) / det;
    double expected = -Math.log(2 * Math.PI) - 0.5 * Math.log(det) - 0.5 * quad;
    INDArray xa = Nd4j.create(new double[][] {x});
    INDArray tt = times(1, t);
    // closed form against the eigenbasis evaluation: only rounding differs
    assertEquals(expected, model.logDensity(xa, tt).getDouble(0), 1e-13);
    double[] score = FiniteDifference.flat(model.score(xa, tt));
    assertEquals(-(c * dx - b * dy) / det, score[0], 1e-13);
    assertEquals(-(-b * dx + a * dy) / det, score[1], 1e-13);
    // the Hessian of a Gaussian is -C^{-1}: row 0 is (-c, b) / det
    double[] h0 = FiniteDifference.flat(model.vjp(xa, tt, Nd4j.create(new double[][] {{1, 0}})));
    assertEquals(-c / det, h0[0], 1e-12);
    assertEquals(b / det, h0[1], 1e-12);
    // Gaussian posterior mean: mu + gamma C (gamma^2 C + s2 I)^{-1} (x - gamma mu)
    double ix = (c * dx - b * dy) / det;
    double iy = (-b * dx + a * dy) / det;
    double[] den = FiniteDifference.flat(model.denoise(xa, tt));
    assertEquals(mu[0] + gamma * (0.3 * ix + 0.1 * iy), den[0], 1e-12);
    assertEquals(mu[1] + gamma * (0.1 * ix + 0.2 * iy), den[1], 1e-12);
    // time zero of the mixture itself
    assertEquals(gaussianLogDensity(x, mu, cov), g.logDensity(xa).getDouble(0), 1e-13);
  }

  @Test
  void scoreIsTheGradientOfTheLogDensity() {
    double worst = 0;
    for (Sde sde : SDES) {
      for (int d : DIMS) {
        GaussianMixtureScore model = new GaussianMixtureScore(GaussianMixture.random(3, d, new Random(100 + d)), sde);
        for (double t : TIMES) {
          double[] x = testPoints(model, t, 21);
          INDArray tt = times(ROWS, t);
          double[] s = FiniteDifference.flat(model.score(FiniteDifference.matrix(x, ROWS, d), tt));
          double h = 1e-5;
          double[] fd = FiniteDifference.gradient(xx -> model.logDensity(xx, tt), x, ROWS, d, h);
          for (int i = 0; i < ROWS; i++) {
            double scale = 1 + maxAbs(s, i * d, d);
            for (int j = 0; j < d; j++) {
              double err = Math.abs(fd[i * d + j] - s[i * d + j]) / scale;
              worst = Math.max(worst, err);
              // h = 1e-5 against curvature scales >= sqrt(0.01): truncation h^2 |f'''| / 6 and rounding
              // 1e-16 |log p| / h are both below 1e-8 relative to the score (measured: 3e-9)
              assertTrue(err < 1e-7, sde.name() + " D=" + d + " t=" + t + " row " + i + " coord " + j + ": " + err);
            }
          }
        }
      }
    }
    System.out.printf("GMM score vs finite differences: worst relative error %.2e%n", worst);
  }

  @Test
  void vjpIsTheTransposedJacobianOfTheScore() {
    double worst = 0;
    Random rng = new Random(5);
    for (Sde sde : SDES) {
      for (int d : DIMS) {
        GaussianMixtureScore model = new GaussianMixtureScore(GaussianMixture.random(3, d, new Random(200 + d)), sde);
        for (double t : TIMES) {
          double[] x = testPoints(model, t, 31);
          INDArray xa = FiniteDifference.matrix(x, ROWS, d);
          INDArray tt = times(ROWS, t);
          double h = 1e-6;
          // column j of the Jacobian by differences, against the j-th entry of e_i^T J from the VJP
          int checked = Math.min(d, 4);
          for (int jj = 0; jj < checked; jj++) {
            int j = (jj * 7) % d;
            double[] e = new double[ROWS * d];
            for (int i = 0; i < ROWS; i++) {
              e[i * d + j] = 1;
            }
            double[] column = FiniteDifference.directional(xx -> model.score(xx, tt), x, e, ROWS, d, h);
            for (int ii = 0; ii < checked; ii++) {
              int r = (ii * 3 + 1) % d;
              double[] er = new double[ROWS * d];
              for (int i = 0; i < ROWS; i++) {
                er[i * d + r] = 1;
              }
              double[] row = FiniteDifference.flat(model.vjp(xa, tt, FiniteDifference.matrix(er, ROWS, d)));
              for (int i = 0; i < ROWS; i++) {
                double scale = 1 + maxAbs(row, i * d, d);
                double err = Math.abs(row[i * d + j] - column[i * d + r]) / scale;
                worst = Math.max(worst, err);
                // h = 1e-6: truncation h^2 |s'''| / 6 and rounding 1e-16 |s| / h stay below 1e-8 of |H| (measured: 1e-9)
                assertTrue(err < 1e-7, sde.name() + " D=" + d + " t=" + t + ": " + err);
              }
            }
          }
          // a random direction, all coordinates at once
          double[] v = new double[ROWS * d];
          for (int p = 0; p < v.length; p++) {
            v[p] = rng.nextGaussian();
          }
          double[] fd = FiniteDifference.directional(xx -> model.score(xx, tt), x, v, ROWS, d, h);
          double[] jv = FiniteDifference.flat(model.vjp(xa, tt, FiniteDifference.matrix(v, ROWS, d)));
          for (int i = 0; i < ROWS; i++) {
            double scale = 1 + maxAbs(jv, i * d, d);
            for (int j = 0; j < d; j++) {
              double err = Math.abs(fd[i * d + j] - jv[i * d + j]) / scale;
              worst = Math.max(worst, err);
              // same bound as above, the Hessian being symmetric
              assertTrue(err < 1e-7, sde.name() + " D=" + d + " t=" + t + ": " + err);
            }
          }
        }
      }
    }
    System.out.printf("GMM vjp vs finite differences: worst relative error %.2e%n", worst);
  }

  @Test
  void divergenceIsTheTraceOfTheJacobianAndScoreAndVjpAgree() {
    for (Sde sde : SDES) {
      int d = 10;
      GaussianMixtureScore model = new GaussianMixtureScore(GaussianMixture.random(4, d, new Random(300)), sde);
      double t = 0.2;
      double[] x = testPoints(model, t, 41);
      INDArray xa = FiniteDifference.matrix(x, ROWS, d);
      INDArray tt = times(ROWS, t);
      double[] trace = new double[ROWS];
      for (int j = 0; j < d; j++) {
        double[] e = new double[ROWS * d];
        for (int i = 0; i < ROWS; i++) {
          e[i * d + j] = 1;
        }
        double[] row = FiniteDifference.flat(model.vjp(xa, tt, FiniteDifference.matrix(e, ROWS, d)));
        for (int i = 0; i < ROWS; i++) {
          trace[i] += row[i * d + j];
        }
      }
      double[] div = FiniteDifference.flat(model.divergence(xa, tt));
      for (int i = 0; i < ROWS; i++) {
        // the same sums in another order: rounding only
        assertEquals(trace[i], div[i], 1e-10 * Math.max(1, Math.abs(trace[i])));
      }
      INDArray v = Nd4j.randn(DataType.DOUBLE, ROWS, d);
      ScoreModel.ScoreAndVjp both = model.scoreAndVjp(xa, tt, v);
      assertEquals(model.score(xa, tt), both.score());
      assertEquals(model.vjp(xa, tt, v), both.vjp());
    }
  }

  @Test
  void marginalSolvesTheFokkerPlanckEquation() {
    // d/dt log p = -D a - a x.s + (g^2 / 2)(div s + |s|^2) for dx = a x dt + g dW: checks that gamma_t
    // and sigma_t of each SDE belong to its drift and diffusion
    for (Sde sde : SDES) {
      int d = 3;
      GaussianMixtureScore model = new GaussianMixtureScore(GaussianMixture.random(3, d, new Random(400)), sde);
      for (double t : new double[] {0.05, 0.3, 0.7}) {
        double[] x = testPoints(model, t, 51);
        INDArray xa = FiniteDifference.matrix(x, ROWS, d);
        double h = 1e-6;
        double[] lpPlus = FiniteDifference.flat(model.logDensity(xa, times(ROWS, t + h)));
        double[] lpMinus = FiniteDifference.flat(model.logDensity(xa, times(ROWS, t - h)));
        double[] s = FiniteDifference.flat(model.score(xa, times(ROWS, t)));
        double[] div = FiniteDifference.flat(model.divergence(xa, times(ROWS, t)));
        double a = sde.driftCoefficient(t);
        double g2 = sde.diffusionSquared(t);
        for (int i = 0; i < ROWS; i++) {
          double xs = 0;
          double ss = 0;
          for (int j = 0; j < d; j++) {
            xs += x[i * d + j] * s[i * d + j];
            ss += s[i * d + j] * s[i * d + j];
          }
          double rhs = -d * a - a * xs + 0.5 * g2 * (div[i] + ss);
          double lhs = (lpPlus[i] - lpMinus[i]) / (2 * h);
          // central difference in t with h = 1e-6: truncation h^2 |d^3 log p / dt^3| / 6 << 1e-6 of the
          // terms (|g^2 |s|^2| up to ~1e4 here), rounding 1e-16 |log p| / h ~ 1e-9
          assertEquals(rhs, lhs, 1e-6 * (1 + Math.abs(0.5 * g2 * (Math.abs(div[i]) + ss)) + Math.abs(a * xs)),
              sde.name() + " t=" + t + " row " + i);
        }
      }
    }
  }

  @Test
  void perRowTimesViewsAndFloatInputsGiveTheSameAnswers() {
    int d = 5;
    GaussianMixtureScore model = new GaussianMixtureScore(GaussianMixture.random(3, d, new Random(500)), new VpSde());
    INDArray x = model.mixture().sample(4, 3, DataType.DOUBLE);
    INDArray t = Nd4j.createFromArray(1e-5, 0.1, 0.5, 1.0);
    INDArray v = Nd4j.randn(DataType.DOUBLE, 4, d);
    INDArray s = model.score(x, t);
    INDArray hv = model.vjp(x, t, v);
    for (int i = 0; i < 4; i++) {
      INDArray xi = x.getRow(i).reshape(1, d).dup();
      INDArray ti = Nd4j.createFromArray(t.getDouble(i));
      assertEquals(model.score(xi, ti).getRow(0), s.getRow(i));
      assertEquals(model.vjp(xi, ti, v.getRow(i).reshape(1, d).dup()).getRow(0), hv.getRow(i));
    }
    // a transposed (f-ordered, strided) view of the same numbers
    INDArray view = x.transpose().dup('c').transpose();
    assertEquals(s, model.score(view, t));
    INDArray sf = model.score(x.castTo(DataType.FLOAT), t.castTo(DataType.FLOAT));
    assertEquals(DataType.FLOAT, sf.dataType());
    double[] sd = FiniteDifference.flat(s);
    double[] sfd = FiniteDifference.flat(sf);
    for (int p = 0; p < sd.length; p++) {
      // float inputs are exact doubles; t = 1e-5 in float has relative error 3e-8, the output is rounded to float
      assertEquals(sd[p], sfd[p], 1e-5 * (1 + Math.abs(sd[p])));
    }
    assertArrayEquals(new long[] {4, 3}, model.responsibilities(x, t).shape());
  }

  @Test
  void survivesJavaSerialisation() throws Exception {
    GaussianMixtureScore model = new GaussianMixtureScore(GaussianMixture.random(2, 3, new Random(600)), new SubVpSde());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(model);
    }
    GaussianMixtureScore back;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      back = (GaussianMixtureScore) in.readObject();
    }
    assertEquals(model.mixture(), back.mixture());
    INDArray x = Nd4j.randn(DataType.DOUBLE, 4, 3);
    INDArray t = times(4, 0.2);
    assertEquals(model.score(x, t), back.score(x, t));
    assertEquals(model.logDensity(x, t), back.logDensity(x, t));
  }
}
