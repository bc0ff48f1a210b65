package org.scoresde.sde;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SdeClosedFormTest {

  @Test
  void vpMarginalMatchesClosedForm() {
    VpSde vp = new VpSde();
    for (double t : new double[] {1e-5, 0.1, 0.5, 1.0}) {
      double logGamma = -t * t * (20 - 0.1) / 4 - t * 0.1 / 2;
      assertEquals(Math.exp(logGamma), vp.meanScale(t), 1e-14);
      assertEquals(Math.sqrt(1 - Math.exp(2 * logGamma)), vp.std(t), 1e-12);
      assertEquals(t, vp.timeOfLogSnr(vp.logSnr(t)), 1e-9 * Math.max(1, t));
    }
  }

  @Test
  void priorLogDensityIsStandardNormal() {
    INDArray x = Nd4j.create(new double[][] {{0, 0}, {1, 2}}).castTo(DataType.DOUBLE);
    INDArray lp = new VpSde().priorLogDensity(x);
    assertEquals(-Math.log(2 * Math.PI), lp.getDouble(0), 1e-12);
    assertEquals(-Math.log(2 * Math.PI) - 2.5, lp.getDouble(1), 1e-12);
  }
}
