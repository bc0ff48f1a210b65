package org.scoresde.fp;

import org.nd4j.linalg.api.buffer.DataType;

/** The regularizer's per-row arithmetic in double: dot products, norms and the precision a model's arrays hold. */
final class Rows {
  private Rows() {}

  /** v rounded to the precision of {@code type} and back, so that later arithmetic uses what the arrays hold. */
  static double representable(double v, DataType type) {
    return type == DataType.FLOAT ? (double) (float) v : v;
  }

  static double dot(double[] a, int ao, double[] b, int bo, int d) {
    double s = 0;
    for (int j = 0; j < d; j++) {
      s += a[ao + j] * b[bo + j];
    }
    return s;
  }

  static double norm(double[] a, int ao, int d) {
    return Math.sqrt(dot(a, ao, a, ao, d));
  }
}
