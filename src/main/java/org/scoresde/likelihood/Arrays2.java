package org.scoresde.likelihood;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Moves small per-row quantities between INDArrays and Java arrays with one native call each way. */
final class Arrays2 {
  private Arrays2() {}

  /** The elements of a in C order as doubles. */
  static double[] values(INDArray a) {
    INDArray c = a.isView() || a.ordering() != 'c' || a.data().length() != a.length() ? a.dup('c') : a;
    return c.data().asDouble();
  }

  /** An array of the given shape and data type holding v in C order. */
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
}
