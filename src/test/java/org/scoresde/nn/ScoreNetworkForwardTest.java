package org.scoresde.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.scoresde.testing.TinyNetworks;

/**
 * Every DL4J forward path (training and inference mode, output and feedForward, the loss) computes
 * the same network, checked against an independent plain-ND4J implementation of the MLP. This
 * guards against DL4J's in-place activation layers corrupting inputs shared by residual skips.
 */
@ExtendWith(SingleThreadNd4j.class)
class ScoreNetworkForwardTest {

  private static INDArray swish(INDArray a) {
    return a.mul(Transforms.sigmoid(a, true));
  }

  /** Per-example layer norm (one group) then Swish, or Swish alone. */
  private static INDArray normSwish(INDArray a, boolean normalize) {
    if (!normalize) {
      return swish(a);
    }
    INDArray centred = a.subColumnVector(a.mean(1).reshape(-1, 1));
    INDArray var = centred.mul(centred).mean(1).reshape(-1, 1).addi(1e-5);
    return swish(centred.divColumnVector(Transforms.sqrt(var, true)));
  }

  private static INDArray referenceMlp(ScoreNetworkConfig config, Map<String, INDArray> p, INDArray x, INDArray temb) {
    BiFunction<String, INDArray, INDArray> dense = (n, in) -> in.mmul(p.get(n + "_W")).addRowVector(p.get(n + "_b"));
    boolean norm = config.normalization() == Normalization.GROUP;
    INDArray timeVector = swish(dense.apply("time_dense1", swish(dense.apply("time_dense0", temb))));
    INDArray h = dense.apply("dense_in", x);
    for (int b = 0; b < config.residualBlocks(); b++) {
      String n = "block" + b;
      INDArray a = normSwish(dense.apply(n + "_dense0", normSwish(h, norm)).add(dense.apply(n + "_time", timeVector)), norm);
      h = h.add(dense.apply(n + "_dense1", a)).muli(1 / Math.sqrt(2));
    }
    return dense.apply(ScoreNetworkBuilder.OUTPUT, normSwish(h, norm));
  }

  @Test
  void everyForwardPathComputesTheReferenceMlp() {
    for (Normalization norm : Normalization.values()) {
      // maxGroups = 1: the group norm is a layer norm, as in the reference.
      ScoreNetworkConfig config = new ScoreNetworkConfig(1, 1, 3, true, 16, List.of(), 2,
          TimeEmbeddingKind.SINUSOIDAL, 8, 16.0, 16, 0.0, norm, 1, 11L);
      ComputationGraph graph = TinyNetworks.randomGraph(config, 10L);
      INDArray x = TinyNetworks.gaussian(new Random(10L), 3, 3);
      INDArray temb = TimeEmbedding.of(config).features(TinyNetworks.times(0.2, 0.4, 0.6));
      INDArray reference = referenceMlp(config, graph.paramTable(), x, temb);
      // Identical double-precision operations in a different order: agreement to rounding.
      double tol = 1e-12;
      assertEquals(0.0, diff(graph.outputSingle(false, x, temb), reference), tol, norm + " output(train=false)");
      assertEquals(0.0, diff(graph.outputSingle(true, x, temb), reference), tol, norm + " output(train=true)");
      assertEquals(0.0, diff(graph.feedForward(new INDArray[] {x, temb}, false).get(ScoreNetworkBuilder.OUTPUT), reference),
          tol, norm + " feedForward(train=false)");
      assertEquals(0.0, diff(graph.feedForward(new INDArray[] {x, temb}, true).get(ScoreNetworkBuilder.OUTPUT), reference),
          tol, norm + " feedForward(train=true)");
      MultiDataSet exact = new MultiDataSet(new INDArray[] {x, temb}, new INDArray[] {reference});
      assertEquals(0.0, graph.score(exact, false), tol, norm + " loss at the reference output (inference mode)");
      assertEquals(0.0, graph.score(exact, true), tol, norm + " loss at the reference output (training mode)");
    }
  }

  @Test
  void unetForwardPathsAgree() {
    ScoreNetworkConfig config = TinyNetworks.tinyUnet();
    ComputationGraph graph = TinyNetworks.randomGraph(config, 12L);
    INDArray x = TinyNetworks.gaussian(new Random(12L), 2, 1, 8, 8);
    INDArray temb = TimeEmbedding.of(config).features(TinyNetworks.times(0.3, 0.8));
    INDArray train = graph.feedForward(new INDArray[] {x, temb}, true).get(ScoreNetworkBuilder.OUTPUT).reshape(2, 64);
    INDArray eval = graph.feedForward(new INDArray[] {x, temb}, false).get(ScoreNetworkBuilder.OUTPUT).reshape(2, 64);
    INDArray out = graph.outputSingle(false, x, temb);
    // Same operations on the same numbers: equal up to rounding.
    assertEquals(0.0, diff(eval, train), 1e-12);
    assertEquals(0.0, diff(out, train), 1e-12);
    MultiDataSet exact = new MultiDataSet(new INDArray[] {x, temb}, new INDArray[] {train});
    assertEquals(0.0, graph.score(exact, false), 1e-12);
  }

  private static double diff(INDArray a, INDArray b) {
    return a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
  }

}
