package org.scoresde.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.scoresde.nn.ScoreNetworkBuilder;
import org.scoresde.nn.ScoreNetworkConfig;
import org.scoresde.nn.SingleThreadNd4j;
import org.scoresde.sde.Sde;
import org.scoresde.sde.VpSde;

/**
 * The probe's loss by t, computed in chunks of rows, is the mean of the whole batch's per-example
 * DSM losses over each bin's examples (times spread evenly over [eta, T], as the probe defines them).
 */
@ExtendWith(SingleThreadNd4j.class)
class TrainingProbeTest {

  @Test
  void chunkedLossByTEqualsTheWholeBatchLoss() {
    ScoreNetworkConfig config = ScoreNetworkConfig.unet(1, 4, 4, 4, List.of(1), 1);
    Sde sde = new VpSde();
    ComputationGraph graph = new ScoreNetworkBuilder(config).newTrainingGraph(new Adam(1e-3), DataType.DOUBLE);
    int p = 150;
    int bins = 6;
    double eta = 1e-3;
    long seed = 11;
    Nd4j.getRandom().setSeed(3);
    INDArray x0 = Nd4j.rand(DataType.DOUBLE, p, 1, 4, 4).muli(2).subi(1);

    List<TrainingProbe.Bin> byT = new TrainingProbe(x0, sde, config, eta, bins, seed, null).measure(graph).lossByT();

    double[] t = new double[p];
    double[] w = new double[p];
    for (int i = 0; i < p; i++) {
      t[i] = eta + (sde.horizon() - eta) * (i + 0.5) / p;
      w[i] = 1.0;
    }
    double[] whole = DenoisingScoreMatching.perExampleLoss(graph, new DenoisingScoreMatching(sde, config).batch(x0, t, w, seed))
        .toDoubleVector();
    assertEquals(bins, byT.size());
    for (int b = 0; b < bins; b++) {
      double sum = 0;
      int count = 0;
      for (int i = 0; i < p; i++) {
        if (t[i] >= byT.get(b).tLo() && (t[i] < byT.get(b).tHi() || b == bins - 1)) {
          sum += whole[i];
          count++;
        }
      }
      assertEquals(25, count, "150 evenly spread times fill 6 bins alike");
      assertEquals(sum / count, byT.get(b).loss(), 1e-9 * sum / count, "bin " + b);
    }
  }
}
