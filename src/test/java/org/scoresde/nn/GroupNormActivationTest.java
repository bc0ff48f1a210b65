package org.scoresde.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Group normalization against a direct transcription of its definition (forward) and
 * against central finite differences of a weighted sum of its output (backward), in double and float,
 * on contiguous inputs and on views.
 */
class GroupNormActivationTest {

  /** y = (x - mean_g) / sqrt(var_g + eps), then y * sigmoid(y), per example and group, in double. */
  private static double[] reference(double[] x, int n, int channels, int spatial, int groups, double eps, boolean swish) {
    double[] out = new double[x.length];
    int m = channels / groups * spatial;
    for (int r = 0; r < n * groups; r++) {
      double mean = 0;
      for (int k = 0; k < m; k++) {
        mean += x[r * m + k] / m;
      }
      double var = 0;
      for (int k = 0; k < m; k++) {
        var += (x[r * m + k] - mean) * (x[r * m + k] - mean) / m;
      }
      for (int k = 0; k < m; k++) {
        double y = (x[r * m + k] - mean) / Math.sqrt(var + eps);
        out[r * m + k] = swish ? y / (1 + Math.exp(-y)) : y;
      }
    }
    return out;
  }

  private static double[] random(int size, long seed, double scale, double shift) {
    Random r = new Random(seed);
    double[] x = new double[size];
    for (int i = 0; i < size; i++) {
      x[i] = shift + scale * r.nextGaussian();
    }
    return x;
  }

  @ParameterizedTest
  @CsvSource({"DOUBLE,true", "DOUBLE,false", "FLOAT,true", "FLOAT,false"})
  void forwardMatchesTheDefinition(DataType type, boolean swish) {
    int n = 3;
    int c = 8;
    int h = 5;
    int w = 4;
    double[] x = random(n * c * h * w, 1, 2.5, 0.7);
    INDArray in = Nd4j.create(x, new long[] {n, c, h, w}, DataType.DOUBLE).castTo(type);
    INDArray out = new GroupNormActivation(4, 1e-5, swish).getActivation(in, true);
    double[] expected = reference(x, n, c, h * w, 4, 1e-5, swish);
    assertArrayEquals(expected, out.castTo(DataType.DOUBLE).data().asDouble(), type == DataType.FLOAT ? 2e-6 : 1e-12);
  }

  @Test
  void viewsAreNormalizedLikeTheirCopies() {
    double[] x = random(2 * 6 * 3 * 3, 2, 1.0, -0.3);
    INDArray base = Nd4j.create(x, new long[] {2, 3, 3, 6}, DataType.DOUBLE);
    INDArray view = base.permute(0, 3, 1, 2);
    INDArray copy = view.dup('c');
    GroupNormActivation gn = new GroupNormActivation(3, 1e-5, true);
    INDArray fromView = gn.getActivation(view, false);
    INDArray fromCopy = gn.getActivation(copy, false);
    assertEquals(0.0, fromView.sub(fromCopy).norm2Number().doubleValue(), 1e-12);
  }

  @ParameterizedTest
  @CsvSource({"true", "false"})
  void backpropMatchesFiniteDifferences(boolean swish) {
    int n = 2;
    int c = 4;
    int spatial = 9;
    long[] shape = {n, c, 3, 3};
    double[] x = random(n * c * spatial, 3, 1.7, 0.4);
    double[] weights = random(x.length, 4, 1.0, 0.0);
    GroupNormActivation gn = new GroupNormActivation(2, 1e-5, swish);
    INDArray grad = gn.backprop(Nd4j.create(x, shape, DataType.DOUBLE), Nd4j.create(weights, shape, DataType.DOUBLE)).getFirst();
    double h = 1e-6;
    for (int i = 0; i < x.length; i++) {
      double[] plus = x.clone();
      double[] minus = x.clone();
      plus[i] += h;
      minus[i] -= h;
      double fd = (dot(weights, reference(plus, n, c, spatial, 2, 1e-5, swish))
          - dot(weights, reference(minus, n, c, spatial, 2, 1e-5, swish))) / (2 * h);
      assertEquals(fd, grad.getDouble(i), 1e-7 * Math.max(1, Math.abs(fd)), "element " + i);
    }
  }

  @Test
  void floatBackpropAgreesWithDouble() {
    long[] shape = {4, 16, 7, 7};
    double[] x = random(4 * 16 * 49, 5, 3.0, 1.0);
    double[] e = random(x.length, 6, 1.0, 0.0);
    GroupNormActivation gn = new GroupNormActivation(4, 1e-5, true);
    INDArray d = gn.backprop(Nd4j.create(x, shape, DataType.DOUBLE), Nd4j.create(e, shape, DataType.DOUBLE)).getFirst();
    INDArray f = gn.backprop(Nd4j.create(x, shape, DataType.DOUBLE).castTo(DataType.FLOAT),
        Nd4j.create(e, shape, DataType.DOUBLE).castTo(DataType.FLOAT)).getFirst();
    double rel = f.castTo(DataType.DOUBLE).sub(d).norm2Number().doubleValue() / d.norm2Number().doubleValue();
    assertEquals(0.0, rel, 1e-6);
  }

  @Test
  void channelsThatDoNotSplitAreRefused() {
    INDArray in = Nd4j.rand(DataType.FLOAT, 2, 6, 2, 2);
    assertThrows(IllegalStateException.class, () -> new GroupNormActivation(4, 1e-5, true).getActivation(in, true));
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
