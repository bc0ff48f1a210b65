package org.scoresde.bench;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.scoresde.nn.OneDnnConvolution;

/**
 * One 3x3 convolution of the default network's middle level (32 to 32 channels on 14x14), forward,
 * through the same {@link OneDnnConvolution} layer the network uses: the convolution's own speed,
 * without the rest of the graph, and libnd4j's conv2d op alone on the same arrays (the weights permuted
 * as DL4J's oneDNN helper passes them), beside the same {@code torch.nn.Conv2d} in the peer. They tell
 * whether the gap to PyTorch is in the convolution kernel, in DL4J's layer around it, or elsewhere.
 */
final class SingleConvolution {
  static final int CHANNELS = 32;
  static final int SIDE = 14;

  private SingleConvolution() {}

  /** Floating-point operations of one image's convolution (multiply and add counted apart). */
  static double flopsPerImage() {
    return 2.0 * CHANNELS * CHANNELS * 9 * SIDE * SIDE;
  }

  /** GFLOP/s of the layer's forward pass ({@code graph.output}) and of libnd4j's conv2d op alone on the same arrays. */
  record Figures(Measurement layer, Measurement op) {}

  /** Both figures on a float32 batch. */
  static Figures gflops(Stopwatch watch, int batch) {
    ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT)
        .convolutionMode(ConvolutionMode.Same).graphBuilder().addInputs("in")
        .addLayer("conv", new OneDnnConvolution.Builder(3, 3).nIn(CHANNELS).nOut(CHANNELS).stride(1, 1)
            .activation(Activation.IDENTITY).build(), "in")
        .setOutputs("conv").setInputTypes(InputType.convolutional(SIDE, SIDE, CHANNELS)).build();
    ComputationGraph graph = new ComputationGraph(conf);
    graph.init();
    Nd4j.getRandom().setSeed(1);
    INDArray x = Nd4j.rand(DataType.FLOAT, batch, CHANNELS, SIDE, SIDE);
    Measurement layer = watch.rate(batch, () -> graph.output(x)).times(flopsPerImage() / 1e9);
    INDArray weights = graph.getParam("conv_W").permute(2, 3, 1, 0);
    INDArray bias = graph.getParam("conv_b").reshape(CHANNELS);
    INDArray out = Nd4j.create(DataType.FLOAT, batch, CHANNELS, SIDE, SIDE);
    Measurement op = watch.rate(batch, () -> Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(x, weights, bias)
        .addOutputs(out).addIntegerArguments(3, 3, 1, 1, 1, 1, 1, 1, 1, 0).build())).times(flopsPerImage() / 1e9);
    return new Figures(layer, op);
  }
}
