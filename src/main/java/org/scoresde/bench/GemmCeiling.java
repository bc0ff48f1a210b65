package org.scoresde.bench;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The float32 matrix-product rates ND4J reaches on this machine, GFLOP/s of C = A B for square n x n
 * matrices (2 n^3 FLOPs per product) into a preallocated C: through {@code Nd4j.gemm} (the BLAS ND4J
 * was built with, OpenBLAS) and through libnd4j's {@code matmul} op, which its oneDNN platform
 * helper serves for float32. The best repeat of either is a candidate for the ceiling.
 */
final class GemmCeiling {
  private GemmCeiling() {}

  /** {@code Nd4j.gemm}: the BLAS path. */
  static Measurement measure(int n, Stopwatch watch) {
    INDArray a = operand(n);
    INDArray b = operand(n);
    INDArray c = Nd4j.create(DataType.FLOAT, new long[] {n, n}, 'f');
    return watch.rate(productGflop(n), () -> Nd4j.gemm(a, b, c, false, false, 1.0, 0.0));
  }

  /** libnd4j's {@code matmul} custom op: the oneDNN path when the platform helper is built in. */
  static Measurement measureOp(int n, Stopwatch watch) {
    INDArray a = operand(n);
    INDArray b = operand(n);
    INDArray c = Nd4j.create(DataType.FLOAT, n, n);
    DynamicCustomOp op = DynamicCustomOp.builder("matmul").addInputs(a, b).addOutputs(c).build();
    return watch.rate(productGflop(n), () -> Nd4j.exec(op));
  }

  private static INDArray operand(int n) {
    return Nd4j.rand(DataType.FLOAT, n, n);
  }

  private static double productGflop(int n) {
    return 2.0 * n * n * (double) n / 1e9;
  }
}
