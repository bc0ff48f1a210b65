package org.scoresde.score;

import java.util.function.Function;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Central finite differences of row-wise functions, the independent reference for scores and VJPs. */
final class FiniteDifference {
  private FiniteDifference() {}

  /** (f(x + h v) - f(x - h v)) / 2h for a row-wise f returning [N] or [N, K]; v is [N, D]. */
  static double[] directional(Function<INDArray, INDArray> f, double[] x, double[] v, int n, int d, double h) {
    double[] plus = new double[n * d];
    double[] minus = new double[n * d];
    for (int p = 0; p < n * d; p++) {
      plus[p] = x[p] + h * v[p];
      minus[p] = x[p] - h * v[p];
    }
    double[] fp = flat(f.apply(matrix(plus, n, d)));
    double[] fm = flat(f.apply(matrix(minus, n, d)));
    double[] out = new double[fp.length];
    for (int p = 0; p < out.length; p++) {
      out[p] = (fp[p] - fm[p]) / (2 * h);
    }
    return out;
  }

  /** The gradient of a row-wise scalar f by central differences along each coordinate; returns [N * D]. */
  static double[] gradient(Function<INDArray, INDArray> f, double[] x, int n, int d, double h) {
    double[] g = new double[n * d];
    for (int j = 0; j < d; j++) {
      double[] e = new double[n * d];
      for (int i = 0; i < n; i++) {
        e[i * d + j] = 1;
      }
      double[] dj = directional(f, x, e, n, d, h);
      for (int i = 0; i < n; i++) {
        g[i * d + j] = dj[i];
      }
    }
    return g;
  }

  static INDArray matrix(double[] data, int n, int d) {
    return Nd4j.create(data, new long[] {n, d}, 'c');
  }

  static double[] flat(INDArray a) {
    return a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
  }
}
