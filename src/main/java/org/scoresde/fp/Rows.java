package org.scoresde.fp;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Moves per-row quantities between INDArrays and Java arrays, where the regularizer does its arithmetic in double. */
final class Rows {
  private Rows() {}

  /** The elements of a in C order as doubles (a fresh array). */
  static double[] values(INDArray a) {
    INDArray c = a.isView() || a.ordering() != 'c' || a.data().length() != a.length() ? a.dup('c') : a;
    return c.castTo(DataType.DOUBLE).data().asDouble().clone();
  }

  /** An array of the given shape and type holding v in C order. */
  static INDArray create(double[] v, long[] shape, DataType type) {
    if (type == DataType.FLOAT) {
      float[] f = new float[v.length];
      for (int i = 0; i < v.length; i++) {
        f[i] = (float) v[i];
      }
      return Nd4j.create(f, shape, 'c');
    }
    INDArray d = Nd4j.create(v, shape, 'c');
    return type == DataType.DOUBLE ? d : d.castTo(type);
  }

  /** A [n, d] matrix of the given type. */
  static INDArray matrix(double[] v, int n, int d, DataType type) {
    return create(v, new long[] {n, d}, type);
  }

  /** A [n] vector of the given type. */
  static INDArray vector(double[] v, DataType type) {
    return create(v, new long[] {v.length}, type);
  }

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
