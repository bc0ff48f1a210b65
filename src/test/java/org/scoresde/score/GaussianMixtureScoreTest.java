package org.scoresde.score;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.scoresde.sde.VpSde;

class GaussianMixtureScoreTest {

  @Test
  void scoreMatchesFiniteDifferencesOfLogDensity() {
    GaussianMixture g = GaussianMixture.random(3, 2, new Random(1));
    GaussianMixtureScore model = new GaussianMixtureScore(g, new VpSde());
    INDArray x = g.sample(4, 7, DataType.DOUBLE);
    INDArray t = Nd4j.valueArrayOf(new long[] {4}, 0.3, DataType.DOUBLE);
    INDArray s = model.score(x, t);
    double h = 1e-5;
    for (int j = 0; j < 2; j++) {
      INDArray xp = x.dup();
      xp.getColumn(j).addi(h);
      INDArray xm = x.dup();
      xm.getColumn(j).subi(h);
      INDArray fd = model.logDensity(xp, t).sub(model.logDensity(xm, t)).div(2 * h);
      for (int i = 0; i < 4; i++) {
        // central differences: O(h^2) truncation, O(eps/h) rounding, both below 1e-8 here
        assertEquals(fd.getDouble(i), s.getDouble(i, j), 1e-7);
      }
    }
  }
}
