package org.scoresde.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Values cross between INDArrays and Java arrays in C order, with float rounding to nearest, as copies. */
class JavaArraysTest {
  @Test
  void valuesAreACopyInCOrderWhateverTheLayout() {
    INDArray a = Nd4j.create(new double[] {1, 2, 3, 4, 5, 6}, new long[] {2, 3}, 'c');
    double[] v = JavaArrays.values(a);
    assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, v, 0.0);
    v[0] = 99;
    assertEquals(1.0, a.getDouble(0, 0), 0.0);
    assertArrayEquals(new double[] {1, 4, 2, 5, 3, 6}, JavaArrays.values(a.transpose()), 0.0);
    assertArrayEquals(new double[] {4, 5, 6}, JavaArrays.values(a.getRow(1)), 0.0);
    assertArrayEquals(new double[] {2, 5}, JavaArrays.values(a.getColumn(1)), 0.0);
    assertArrayEquals(new double[] {1.5, -2.25}, JavaArrays.values(Nd4j.createFromArray(1.5f, -2.25f)), 0.0);
  }

  @Test
  void arraysHaveTheShapeAndTypeAskedWithValuesRoundedToTheType() {
    double[] v = {0.1, 1.0 / 3, -2.5, 7};
    INDArray f = JavaArrays.matrix(v, 2, 2, DataType.FLOAT);
    assertEquals(DataType.FLOAT, f.dataType());
    assertArrayEquals(new long[] {2, 2}, f.shape());
    for (int i = 0; i < v.length; i++) {
      assertEquals((double) (float) v[i], f.getDouble(i / 2, i % 2), 0.0);
    }
    INDArray d = JavaArrays.column(v, DataType.DOUBLE);
    assertArrayEquals(new long[] {4, 1}, d.shape());
    assertArrayEquals(v, JavaArrays.values(d), 0.0);
    INDArray h = JavaArrays.vector(v, DataType.HALF);
    assertEquals(DataType.HALF, h.dataType());
    assertArrayEquals(new long[] {4}, h.shape());
    assertEquals(-2.5, h.getDouble(2), 0.0);
  }
}
