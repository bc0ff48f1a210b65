package org.scoresde.fp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.scoresde.nd4j.JavaArrays;
import org.scoresde.sde.Sde;
import org.scoresde.sde.Sdes;

class FokkerPlanckStencilTest {
  private static final Sde VP = Sdes.create("vp");

  @Test
  void rowsSitAtTheDocumentedPointsAndTimes() {
    int n = 2;
    int d = 3;
    int k = 2;
    Random rng = new Random(1);
    double[] x = gaussian(n * d, rng);
    double[] t = {0.3, 0.7};
    double[] u = gaussian(n * d, rng);
    double[] v = gaussian(n * k * d, rng);
    double[] noise = gaussian(n * d, rng);
    double[] w = {0.5, 2.0};
    FokkerPlanckStencil st = new FokkerPlanckStencil(VP, TimeDifference.reference(), 0.1, 0.2,
        ProbeDistribution.GAUSSIAN, ProbeDistribution.GAUSSIAN, k);
    FokkerPlanckStencil.Batch b = st.build(JavaArrays.matrix(x, n, d, DataType.DOUBLE), JavaArrays.vector(t, DataType.DOUBLE),
        JavaArrays.matrix(noise, n, d, DataType.DOUBLE), JavaArrays.vector(w, DataType.DOUBLE), u, v);
    int g = 3 + 4 * k;
    assertEquals(g, st.groupSizeAt(d));
    assertArrayEquals(new long[] {n * g, d}, b.inputs().shape());
    assertArrayEquals(new long[] {n * g}, b.times().shape());
    assertArrayEquals(new long[] {n * g, d}, b.labels().shape());
    assertArrayEquals(new long[] {n * g, 1}, b.labelMask().shape());
    double[] in = FpFixtures.values(b.inputs());
    double[] times = FpFixtures.values(b.times());
    double[] mask = FpFixtures.values(b.labelMask());
    for (int i = 0; i < n; i++) {
      double sigma = VP.std(t[i]);
      double delta = 0.1 * sigma / Rows.norm(u, i * d, d);
      int base = i * g;
      assertEquals(t[i], times[base], 0.0);
      assertEquals(t[i] + 5e-4, times[base + 1], 1e-15);
      assertEquals(t[i] - 1e-3, times[base + 2], 1e-15);
      assertEquals(w[i], mask[base], 0.0);
      assertEquals(times[base + 1], mask[base + 1], 0.0);
      assertEquals(times[base + 2], mask[base + 2], 0.0);
      for (int r : new int[] {0, 1, 2}) {
        for (int j = 0; j < d; j++) {
          assertEquals(x[i * d + j], in[(base + r) * d + j], 0.0);
        }
      }
      for (int a = 0; a < k; a++) {
        double e = 0.2 * sigma / Rows.norm(v, (i * k + a) * d, d);
        int r0 = base + 3 + 4 * a;
        double[][] signs = {{1, 1}, {1, -1}, {-1, 1}, {-1, -1}};
        for (int q = 0; q < 4; q++) {
          assertEquals(t[i], times[r0 + q], 0.0);
          assertEquals(t[i], mask[r0 + q], 0.0);
          for (int j = 0; j < d; j++) {
            double expected = x[i * d + j] + signs[q][0] * delta * u[i * d + j] + signs[q][1] * e * v[(i * k + a) * d + j];
            assertEquals(expected, in[(r0 + q) * d + j], 1e-15);
          }
        }
      }
    }
    StencilGroups gr = st.decode(b.labels(), b.labelMask());
    assertEquals(n, gr.n());
    assertEquals(k, gr.probes());
    assertArrayEquals(x, gr.x(), 0.0);
    assertArrayEquals(u, gr.direction(), 0.0);
    assertArrayEquals(v, gr.probe(), 0.0);
    assertArrayEquals(noise, gr.noise(), 0.0);
    assertArrayEquals(w, gr.weights(), 0.0);
    assertArrayEquals(t, gr.time(), 0.0);
    assertEquals(0.1 * VP.std(0.7) / Rows.norm(u, d, d), gr.directionStep()[1], 1e-17);
  }

  @Test
  void basisProbesAreTheScaledUnitVectors() {
    int d = 4;
    FokkerPlanckStencil st = new FokkerPlanckStencil(VP, TimeDifference.reference(), 0.1, 0.1,
        ProbeDistribution.RADEMACHER, ProbeDistribution.BASIS, 0);
    INDArray x = JavaArrays.matrix(new double[d], 1, d, DataType.DOUBLE);
    StencilGroups g = st.build(x, JavaArrays.vector(new double[] {0.5}, DataType.DOUBLE), null, null, 3).groups();
    assertEquals(d, g.probes());
    assertEquals(3 + 4 * d, g.groupSize());
    for (int a = 0; a < d; a++) {
      for (int j = 0; j < d; j++) {
        assertEquals(a == j ? 2.0 : 0.0, g.probe()[a * d + j], 0.0);
      }
    }
  }

  @Test
  void floatBatchesUseTheStepsAndTimesTheyHold() {
    int n = 3;
    int d = 5;
    Random rng = new Random(2);
    FokkerPlanckStencil st = FokkerPlanckStencil.defaults(Sdes.create("ve"));
    INDArray x = JavaArrays.matrix(gaussian(n * d, rng), n, d, DataType.FLOAT);
    INDArray t = JavaArrays.vector(new double[] {0.013, 0.4, 0.999}, DataType.FLOAT);
    FokkerPlanckStencil.Batch b = st.build(x, t, null, null, 4);
    assertEquals(DataType.FLOAT, b.inputs().dataType());
    assertEquals(DataType.FLOAT, b.labels().dataType());
    StencilGroups g = b.groups();
    double[] times = FpFixtures.values(b.times());
    for (int i = 0; i < n; i++) {
      assertEquals((float) g.directionStep()[i], g.directionStep()[i], 0.0);
      assertEquals(times[i * g.groupSize() + 1], g.later()[i], 0.0);
      assertEquals(times[i * g.groupSize() + 2], g.earlier()[i], 0.0);
      assertTrue(g.earlier()[i] < g.time()[i] && g.time()[i] < g.later()[i]);
    }
  }

  @Test
  void sameSeedSameRowsOtherSeedOtherDirections() {
    FokkerPlanckStencil st = FokkerPlanckStencil.defaults(VP);
    Random rng = new Random(3);
    INDArray x = JavaArrays.matrix(gaussian(8, rng), 4, 2, DataType.DOUBLE);
    INDArray t = JavaArrays.vector(new double[] {0.1, 0.2, 0.3, 0.4}, DataType.DOUBLE);
    assertEquals(st.build(x, t, null, null, 5).inputs(), st.build(x, t, null, null, 5).inputs());
    assertFalse(st.build(x, t, null, null, 5).inputs().equals(st.build(x, t, null, null, 6).inputs()));
  }

  @Test
  void decodeRejectsBatchesThatSplitAGroup() {
    FokkerPlanckStencil st = FokkerPlanckStencil.defaults(VP);
    Random rng = new Random(4);
    FokkerPlanckStencil.Batch b = st.build(JavaArrays.matrix(gaussian(6, rng), 3, 2, DataType.DOUBLE),
        JavaArrays.vector(new double[] {0.1, 0.5, 0.9}, DataType.DOUBLE), null, null, 1);
    INDArray labels = b.labels().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 20), org.nd4j.linalg.indexing.NDArrayIndex.all());
    INDArray mask = b.labelMask().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 20), org.nd4j.linalg.indexing.NDArrayIndex.all());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> st.decode(labels, mask));
    assertTrue(e.getMessage().contains("multiple of 7"), e.getMessage());
  }

  @Test
  void outputsOfAScoreAreMinusSigmaTimesTheScoreOnEveryRow() {
    Random rng = new Random(5);
    FokkerPlanckChecks.Problem p = FpFixtures.problem(VP, 2, 2, 0.1, 0.9, rng);
    FokkerPlanckStencil.Batch b = FokkerPlanckStencil.defaults(VP).build(p.x(), p.t(), null, null, 1);
    double[] o = FpFixtures.values(FokkerPlanckStencil.outputsOf(p.score(), b));
    double[] s = FpFixtures.values(p.score().score(b.inputs(), b.times()));
    double[] times = FpFixtures.values(b.times());
    for (int r = 0; r < times.length; r++) {
      for (int j = 0; j < 2; j++) {
        assertEquals(-VP.std(times[r]) * s[r * 2 + j], o[r * 2 + j], 1e-14 * (1 + Math.abs(o[r * 2 + j])));
      }
    }
  }

  private static double[] gaussian(int n, Random rng) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = rng.nextGaussian();
    }
    return a;
  }
}
