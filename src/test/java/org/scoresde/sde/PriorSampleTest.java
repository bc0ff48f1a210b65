package org.scoresde.sde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class PriorSampleTest {

  @Test
  void priorSamplesHaveThePriorMomentsInDoublePrecisionAndRepeatBySeed() {
    Sde ve = new VeSde(0.01, 5.0);
    INDArray z = ve.samplePrior(20000, 5, 7L, DataType.DOUBLE);
    assertEquals(DataType.DOUBLE, z.dataType());
    // mean of 1e5 N(0, 25) draws has standard error 5/sqrt(1e5) = 0.016: allow 5 se
    assertEquals(0.0, z.meanNumber().doubleValue(), 0.08);
    // the sample variance of 1e5 draws has relative standard error sqrt(2/1e5) = 0.0045: allow 5 se
    assertEquals(25.0, z.varNumber().doubleValue(), 25.0 * 0.0225);
    assertEquals(z, ve.samplePrior(20000, 5, 7L, DataType.DOUBLE));
    assertNotEquals(z, ve.samplePrior(20000, 5, 8L, DataType.DOUBLE));
    // double draws are not float draws widened: some low-order bits must be set
    double v = z.getDouble(0, 0);
    assertNotEquals(v, (double) (float) v);
  }
}
