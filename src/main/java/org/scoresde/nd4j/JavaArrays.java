package org.scoresde.nd4j;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Moves values between INDArrays and Java arrays, one native copy each way: the mathematics that is
 * clearer per row (solver error norms, mixture kernels, the regularizer's sums) works on Java arrays,
 * the network and the batched arithmetic on INDArrays of the model's data type.
 */
public final class JavaArrays {
  private JavaArrays() {}

  /** The elements of {@code a} in C order as doubles, in a fresh array the caller may change. */
  public static double[] values(INDArray a) {
    INDArray c = a.isView() || a.ordering() != 'c' || a.data().length() != a.length() ? a.dup('c') : a;
    return c.data().asDouble();
  }

  /**
   * An array of {@code shape} and {@code type} holding {@code v} in C order; a float array receives
   * each value rounded to the nearest float.
   */
  public static INDArray create(double[] v, long[] shape, DataType type) {
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

  /** A [rows, cols] matrix of {@code type} holding {@code v} row by row. */
  public static INDArray matrix(double[] v, int rows, int cols, DataType type) {
    return create(v, new long[] {rows, cols}, type);
  }

  /** A [n] vector of {@code type}. */
  public static INDArray vector(double[] v, DataType type) {
    return create(v, new long[] {v.length}, type);
  }

  /** A [n, 1] column of {@code type}, which broadcasts one value per row. */
  public static INDArray column(double[] v, DataType type) {
    return create(v, new long[] {v.length, 1}, type);
  }
}
