package org.scoresde.bench;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The machine's float32 matrix-product ceiling as ND4J reaches it: GFLOP/s of C = A B for square
 * n x n matrices (2 n^3 FLOPs per product) into a preallocated C. The best repeat is the ceiling.
 */
final class GemmCeiling {
  private GemmCeiling() {}

  static Measurement measure(int n, Stopwatch watch) {
    INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
    INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
    INDArray c = Nd4j.create(DataType.FLOAT, new long[] {n, n}, 'f');
    return watch.rate(2.0 * n * n * (double) n / 1e9, () -> Nd4j.gemm(a, b, c, false, false, 1.0, 0.0));
  }
}
