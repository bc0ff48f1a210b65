package org.scoresde.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * The out-of-place activations give exactly what their in-place forms give (which
 * GroupNormActivationTest and SwishActivationTest check against the definitions and finite
 * differences), read-only, also when the backward pass starts from what a training forward pass
 * kept, and the network runs all its normalizations through them.
 */
@ExtendWith(SingleThreadNd4j.class)
class ActivationOutOfPlaceTest {

  static Stream<Arguments> activations() {
    return Stream.of(
        Arguments.of(new GroupNormActivation(4, 1e-5, true), DataType.FLOAT, true),
        Arguments.of(new GroupNormActivation(4, 1e-5, false), DataType.DOUBLE, false),
        Arguments.of(new GroupNormActivation(2, 1e-5, true), DataType.DOUBLE, true),
        Arguments.of(new SwishActivation(), DataType.FLOAT, false),
        Arguments.of(new SwishActivation(), DataType.DOUBLE, false));
  }

  @ParameterizedTest
  @MethodSource("activations")
  void outOfPlaceEqualsInPlaceAndLeavesItsInputs(BaseActivationFunction f, DataType type, boolean keeps) {
    Nd4j.getRandom().setSeed(7);
    INDArray in = Nd4j.randn(type, 3, 8, 5, 5).muli(2).addi(0.5);
    INDArray eps = Nd4j.randn(type, 3, 8, 5, 5);
    INDArray inCopy = in.dup();
    INDArray epsCopy = eps.dup();
    OutOfPlaceActivation g = (OutOfPlaceActivation) f;

    INDArray out = Nd4j.create(type, in.shape());
    g.activate(in, out, Nd4j.create(type, in.shape()));
    INDArray gradient = Nd4j.create(type, in.shape());
    g.backprop(in, eps, gradient, Nd4j.create(type, in.shape()), Nd4j.create(type, in.shape()));

    assertEquals(inCopy, in, "activate and backprop leave the input alone");
    assertEquals(epsCopy, eps, "backprop leaves epsilon alone");
    assertEquals(f.getActivation(in.dup(), true), out);
    assertEquals(f.backprop(in.dup(), eps.dup()).getFirst(), gradient);

    List<INDArray> keptArrays = new ArrayList<>();
    INDArray outKeeping = Nd4j.create(type, in.shape());
    OutOfPlaceActivation.Kept kept = g.activateKeeping(in, outKeeping, Nd4j.create(type, in.shape()), shape -> {
      INDArray a = Nd4j.create(type, shape);
      keptArrays.add(a);
      return a;
    });
    assertEquals(keeps, kept != null, "what the forward pass keeps");
    assertEquals(keeps, !keptArrays.isEmpty());
    INDArray gradientFromKept = Nd4j.create(type, in.shape());
    g.backprop(kept, in, eps, gradientFromKept, Nd4j.create(type, in.shape()), Nd4j.create(type, in.shape()));
    assertEquals(out, outKeeping, "the keeping forward pass gives the same output");
    assertEquals(gradient, gradientFromKept, "the gradient from what was kept is the recomputed one");
    assertEquals(inCopy, in);
    assertEquals(epsCopy, eps);
  }

  @Test
  void theNetworkNormalizesThroughOutOfPlaceLayersWithoutCopyingSharedInputs() {
    for (Normalization normalization : Normalization.values()) {
      ScoreNetworkConfig config = ScoreNetworkConfig.defaultFor(1, 28, 28).withNormalization(normalization);
      ComputationGraph graph = new ScoreNetworkBuilder(config).newTrainingGraph(new NoOp(), DataType.FLOAT);
      List<String> activations = Arrays.stream(graph.getLayers())
          .filter(l -> l instanceof org.deeplearning4j.nn.layers.ActivationLayer)
          .map(l -> l.getClass().getSimpleName()).distinct().toList();
      assertEquals(List.of(ActivationOutOfPlaceLayer.class.getSimpleName()), activations, normalization.name());
      assertTrue(Arrays.stream(graph.getVertices()).noneMatch(v -> v.getVertexName().endsWith("_act0_in")),
          "no copy vertex before a normalization whose input a skip also reads");
    }
  }
}
