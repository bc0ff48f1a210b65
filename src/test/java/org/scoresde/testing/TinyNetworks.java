package org.scoresde.testing;

import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.scoresde.nn.Normalization;
import org.scoresde.nn.ScoreNetworkBuilder;
import org.scoresde.nn.ScoreNetworkConfig;
import org.scoresde.nn.TimeEmbeddingKind;

/** Score networks small enough for finite differences, with random weights, and the helpers their tests share. */
public final class TinyNetworks {
  private TinyNetworks() {}

  /** 8x8x1 images, two levels (8 and 4 pixels), 4 and 8 channels: every block kind, small enough for FD. */
  public static ScoreNetworkConfig tinyUnet() {
    return new ScoreNetworkConfig(1, 8, 8, false, 4, List.of(1, 2), 1, TimeEmbeddingKind.FOURIER, 8, 4.0, 8,
        0.0, Normalization.GROUP, 32, 7L);
  }

  public static ScoreNetworkConfig tinyMlp() {
    return new ScoreNetworkConfig(1, 1, 3, true, 16, List.of(), 2, TimeEmbeddingKind.SINUSOIDAL, 8, 16.0, 16,
        0.0, Normalization.GROUP, 4, 11L);
  }

  public static INDArray gaussian(Random rng, long... shape) {
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    double[] a = new double[(int) n];
    for (int i = 0; i < a.length; i++) {
      a[i] = rng.nextGaussian();
    }
    return Nd4j.create(a, shape, DataType.DOUBLE);
  }

  /** Random parameters (with nonzero biases) so that no path of the network is trivially zero. */
  public static ComputationGraph randomGraph(ScoreNetworkConfig config, long seed) {
    ComputationGraph graph = new ScoreNetworkBuilder(config).newTrainingGraph(new NoOp(), DataType.DOUBLE);
    Random rng = new Random(seed);
    INDArray p = graph.params();
    p.assign(gaussian(rng, p.length()).muli(0.4));
    return graph;
  }

  public static INDArray times(double... t) {
    return Nd4j.createFromArray(t);
  }

  /** max |a - b| / max |b|: the error relative to the reference's scale. */
  public static double relativeError(INDArray a, INDArray reference) {
    return a.sub(reference).amaxNumber().doubleValue() / reference.amaxNumber().doubleValue();
  }
}
