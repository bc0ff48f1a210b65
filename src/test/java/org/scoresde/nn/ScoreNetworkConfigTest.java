package org.scoresde.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.scoresde.testing.TinyNetworks;

/** Configuration defaults and validation, the time embedding, and what the builder puts in each graph. */
@ExtendWith(SingleThreadNd4j.class)
class ScoreNetworkConfigTest {

  @Test
  void defaultsFitTheirData() {
    ScoreNetworkConfig mnist = ScoreNetworkConfig.defaultFor(1, 28, 28);
    assertEquals(List.of(1, 2, 2), mnist.channelMultipliers());
    assertEquals(16, mnist.baseChannels());
    assertEquals(784, mnist.dimension());
    ScoreNetworkConfig cifar = ScoreNetworkConfig.defaultFor(3, 32, 32);
    assertEquals(3072, cifar.dimension());
    assertEquals(4, cifar.levels());
    ScoreNetworkConfig vector = ScoreNetworkConfig.defaultFor(1, 1, 2);
    assertTrue(vector.vector());
    assertEquals(128, vector.baseChannels());
    assertEquals(3, vector.residualBlocks());
    // 12 = 4 * 3 halves twice; 3 levels is the cap.
    assertEquals(3, ScoreNetworkConfig.defaultFor(3, 12, 12).levels());
    assertEquals(1, ScoreNetworkConfig.defaultFor(1, 7, 9).levels());
  }

  @Test
  void invalidConfigurationsAreRefusedWithTheReason() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ScoreNetworkConfig.unet(1, 28, 28, 16, List.of(1, 2, 2, 2), 1));
    assertTrue(e.getMessage().contains("not divisible by 8"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ScoreNetworkConfig.mlp(3, 64, 2).withTimeEmbedding(TimeEmbeddingKind.FOURIER, 7));
    assertThrows(IllegalArgumentException.class, () -> ScoreNetworkConfig.mlp(3, 64, 2).withDropout(1.0));
    assertThrows(IllegalArgumentException.class, () -> new ScoreNetworkConfig(2, 1, 3, true, 8, List.of(), 1,
        TimeEmbeddingKind.FOURIER, 4, 1, 4, 0, Normalization.NONE, 1, 0));
  }

  @Test
  void groupsDivideTheChannels() {
    ScoreNetworkConfig c = ScoreNetworkConfig.defaultFor(1, 28, 28);
    assertEquals(4, c.groupsFor(16));
    assertEquals(8, c.groupsFor(32));
    assertEquals(12, c.groupsFor(48));
    assertEquals(1, c.groupsFor(3));
    assertEquals(32, c.groupsFor(256));
    for (int ch = 1; ch <= 300; ch++) {
      assertEquals(0, ch % c.groupsFor(ch), "channels " + ch);
    }
  }

  @Test
  void timeEmbeddingIsAFixedFunctionOfTheConfig() {
    ScoreNetworkConfig c = ScoreNetworkConfig.mlp(2, 16, 1);
    INDArray t = Nd4j.createFromArray(0.0, 0.3, 1.0);
    INDArray f = TimeEmbedding.of(c).features(t);
    assertEquals(f, TimeEmbedding.of(c).features(t), "the same config gives the same features");
    assertNotEquals(f, TimeEmbedding.of(c.withSeed(43)).features(t), "the seed draws the Fourier frequencies");
    int half = c.timeEmbeddingSize() / 2;
    for (int i = 0; i < 3; i++) {
      for (int k = 0; k < half; k++) {
        double s = f.getDouble(i, k);
        double co = f.getDouble(i, k + half);
        // sin^2 + cos^2 of the same angle, in double.
        assertEquals(1.0, s * s + co * co, 1e-12);
      }
    }
    assertEquals(DataType.FLOAT, TimeEmbedding.of(c).features(t.castTo(DataType.FLOAT)).dataType());
    TimeEmbedding sinusoidal = new TimeEmbedding(TimeEmbeddingKind.SINUSOIDAL, 8, 1, 0);
    INDArray g = sinusoidal.features(Nd4j.createFromArray(0.001));
    // Frequencies 1000 * 10000^(-k/3): the angle of the first is 1000 * 0.001 = 1, of the last 1e-4.
    assertEquals(Math.sin(1.0), g.getDouble(0, 0), 1e-12);
    assertEquals(Math.sin(1e-4), g.getDouble(0, 3), 1e-12);
    assertEquals(Math.cos(1.0), g.getDouble(0, 4), 1e-12);
  }

  @Test
  void dropoutOnlyInTheTrainingGraphAndLossOnlyThere() {
    ScoreNetworkConfig c = TinyNetworks.tinyUnet().withDropout(0.1);
    ScoreNetworkBuilder b = new ScoreNetworkBuilder(c);
    ComputationGraphConfiguration train = b.training(new Adam(1e-3), DataType.FLOAT);
    ComputationGraphConfiguration eval = b.inference(DataType.FLOAT, WorkspaceMode.NONE);
    LayerVertex trainConv = (LayerVertex) train.getVertices().get("down0_0_conv1");
    LayerVertex evalConv = (LayerVertex) eval.getVertices().get("down0_0_conv1");
    assertNotNull(trainConv.getLayerConf().getLayer().getIDropout());
    assertNull(evalConv.getLayerConf().getLayer().getIDropout());
    assertEquals(List.of(ScoreNetworkBuilder.LOSS), train.getNetworkOutputs());
    assertEquals(List.of(ScoreNetworkBuilder.OUTPUT), eval.getNetworkOutputs());
    assertEquals(WorkspaceMode.NONE, eval.getTrainingWorkspaceMode());
    assertEquals(train.getVertices().size() - 1, eval.getVertices().size());
  }

  @Test
  void networkConfigurationSurvivesDl4jJson() {
    ComputationGraphConfiguration conf = new ScoreNetworkBuilder(TinyNetworks.tinyUnet())
        .training(new Adam(1e-3), DataType.FLOAT);
    assertEquals(conf, ComputationGraphConfiguration.fromJson(conf.toJson()));
  }
}
