package org.scoresde.bench;

import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.scoresde.nn.ScoreNetworkConfig;

/**
 * FLOPs of a score network's convolution layers for one example's forward pass, counted from the
 * graph configuration: 2 x output pixels x input channels x output channels x kernel area per layer.
 * A training step costs about three times this (forward, input gradient, weight gradient).
 */
final class ConvFlops {
  private ConvFlops() {}

  static double forwardPerExample(ComputationGraphConfiguration conf, ScoreNetworkConfig config) {
    Map<String, InputType> types = conf.getLayerActivationTypes(
        InputType.convolutional(config.height(), config.width(), config.channels()),
        InputType.feedForward(config.timeEmbeddingSize()));
    double macs = 0;
    for (Map.Entry<String, GraphVertex> e : conf.getVertices().entrySet()) {
      if (e.getValue() instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof ConvolutionLayer c
          && types.get(e.getKey()) instanceof InputType.InputTypeConvolutional out) {
        macs += (double) out.getHeight() * out.getWidth() * c.getNIn() * c.getNOut()
            * c.getKernelSize()[0] * c.getKernelSize()[1];
      }
    }
    return 2 * macs;
  }
}
