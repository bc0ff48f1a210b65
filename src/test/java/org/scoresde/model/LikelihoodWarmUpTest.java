package org.scoresde.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.scoresde.likelihood.DivergenceEstimator;
import org.scoresde.likelihood.ProbabilityFlowLikelihood;
import org.scoresde.nn.ScoreNetworkConfig;
import org.scoresde.nn.SingleThreadNd4j;
import org.scoresde.sde.SubVpSde;
import org.scoresde.testing.TinyNetworks;

/** evaluate's warm-up (one full-batch evaluation before the first integration) leaves every value as it was. */
@ExtendWith(SingleThreadNd4j.class)
class LikelihoodWarmUpTest {

  @Test
  void aWarmUpOfMoreRowsThanTheBatchChangesNoValueOrCount() {
    ScoreNetworkConfig config = TinyNetworks.tinyUnet();
    NetworkScoreModel model = new NetworkScoreModel(TinyNetworks.randomGraph(config, 31L), config, new SubVpSde());
    ProbabilityFlowLikelihood pf = new ProbabilityFlowLikelihood(model, DivergenceEstimator.rademacher())
        .withTolerances(1e-3, 1e-3);
    INDArray x = TinyNetworks.gaussian(new Random(5), 3, config.dimension()).muli(0.5);
    long[] seeds = {11L, 12L, 13L};
    var cold = pf.logLikelihood(x, seeds);
    pf.warmUp(16, DataType.DOUBLE);
    var warm = pf.logLikelihood(x, seeds);
    assertArrayEquals(cold.logLikelihood().toDoubleVector(), warm.logLikelihood().toDoubleVector(), 0.0);
    assertArrayEquals(cold.evaluationsPerRow(), warm.evaluationsPerRow());
    assertThrows(IllegalArgumentException.class, () -> pf.warmUp(0, DataType.DOUBLE));
  }
}
