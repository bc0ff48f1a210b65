package org.scoresde.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.learning.config.NoOp;
import org.scoresde.testing.TinyNetworks;
import org.scoresde.model.NetworkScoreModel;
import org.scoresde.score.ScoreModel;
import org.scoresde.sde.VpSde;
import org.scoresde.train.DenoisingScoreMatching;

/**
 * The oneDNN convolution path (float32) against DL4J's built-in path (double precision, which
 * NetworkScoreModelTest checks against finite differences), on the default Fashion-MNIST U-Net.
 */
@ExtendWith(SingleThreadNd4j.class)
class OneDnnConvolutionTest {

  private static final ScoreNetworkConfig FASHION = ScoreNetworkConfig.defaultFor(1, 28, 28);

  @Test
  void cpusWithAvx2RunTheOneDnnBuild() throws Exception {
    String flags = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
        .filter(l -> l.startsWith("flags")).findFirst().orElse("");
    boolean avx2 = Arrays.asList(flags.split("\\s+")).contains("avx2");
    System.out.println("native: " + OneDnn.describe());
    assertEquals(avx2, OneDnn.loaded(), "the oneDNN build is loaded exactly when the CPU can run it");
  }

  @Test
  void everyConvolutionOfAFloatGraphGoesThroughOneDnn() {
    ComputationGraph graph = new ScoreNetworkBuilder(FASHION).newTrainingGraph(new NoOp(), DataType.FLOAT);
    long convolutions = Arrays.stream(graph.getLayers())
        .filter(l -> l instanceof org.deeplearning4j.nn.layers.convolution.ConvolutionLayer)
        .peek(l -> assertTrue(l instanceof OneDnnConvolutionLayer c && c.usesOneDnn() == OneDnn.loaded(), l.getClass().getName()))
        .count();
    assertTrue(convolutions >= 10, "the U-Net has its convolutions: " + convolutions);
  }

  @Test
  void configurationSurvivesJson() {
    ComputationGraphConfiguration conf = new ScoreNetworkBuilder(FASHION).training(new NoOp(), DataType.FLOAT);
    ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
    long oneDnn = back.getVertices().values().stream()
        .filter(v -> v instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof OneDnnConvolution)
        .count();
    assertTrue(oneDnn >= 10, "convolutions keep their class through JSON: " + oneDnn);
    assertEquals(conf, back);
  }

  @Test
  void floatOneDnnMatchesDoubleBuiltIn() {
    ComputationGraph exactGraph = TinyNetworks.randomGraph(FASHION, 21L);
    exactGraph.params().muli(0.5);
    VpSde sde = new VpSde();
    NetworkScoreModel exact = new NetworkScoreModel(exactGraph, FASHION, sde);
    NetworkScoreModel fast = new NetworkScoreModel(exactGraph, FASHION, sde, DataType.FLOAT);
    Random rng = new Random(21L);
    INDArray x = TinyNetworks.gaussian(rng, 4, 784);
    INDArray v = TinyNetworks.gaussian(rng, 4, 784);
    INDArray t = TinyNetworks.times(0.02, 0.3, 0.6, 0.95);
    ScoreModel.ScoreAndVjp a = exact.scoreAndVjp(x, t, v);
    ScoreModel.ScoreAndVjp b = fast.scoreAndVjp(x.castTo(DataType.FLOAT), t.castTo(DataType.FLOAT), v.castTo(DataType.FLOAT));
    double scoreErr = TinyNetworks.relativeError(b.score().castTo(DataType.DOUBLE), a.score());
    double vjpErr = TinyNetworks.relativeError(b.vjp().castTo(DataType.DOUBLE), a.vjp());

    DenoisingScoreMatching dsm = new DenoisingScoreMatching(sde, FASHION);
    MultiDataSet batch = dsm.batch(x.reshape('c', 4, 1, 28, 28), new double[] {0.02, 0.3, 0.6, 0.95},
        new double[] {1, 1, 1, 1}, 5L);
    exactGraph.setInputs(batch.getFeatures());
    exactGraph.setLabels(batch.getLabels());
    exactGraph.computeGradientAndScore();
    INDArray exactGrad = exactGraph.gradient().gradient().dup();
    ComputationGraph fastGraph = new ScoreNetworkBuilder(FASHION).newTrainingGraph(new NoOp(), DataType.FLOAT);
    fastGraph.setParams(exactGraph.params().castTo(DataType.FLOAT));
    fastGraph.setInputs(Arrays.stream(batch.getFeatures()).map(f -> f.castTo(DataType.FLOAT)).toArray(INDArray[]::new));
    fastGraph.setLabels(Arrays.stream(batch.getLabels()).map(f -> f.castTo(DataType.FLOAT)).toArray(INDArray[]::new));
    fastGraph.computeGradientAndScore();
    double gradErr = TinyNetworks.relativeError(fastGraph.gradient().gradient().castTo(DataType.DOUBLE), exactGrad);
    double lossErr = Math.abs(fastGraph.score() - exactGraph.score()) / Math.abs(exactGraph.score());
    System.out.printf("oneDNN float32 vs built-in double: score %.2e, VJP %.2e, parameter gradient %.2e, loss %.2e%n",
        scoreErr, vjpErr, gradErr, lossErr);
    // float32 rounding through ~30 layers gives ~1e-6..1e-5 relative; a wrong padding, layout or
    // missing bias in either pass would be of order 1.
    assertTrue(scoreErr < 1e-3, "score " + scoreErr);
    assertTrue(vjpErr < 1e-3, "vjp " + vjpErr);
    assertTrue(gradErr < 1e-3, "parameter gradient " + gradErr);
    assertTrue(lossErr < 1e-4, "loss " + lossErr);
  }
}
