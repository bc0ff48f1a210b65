package org.scoresde.nn;

import java.lang.ref.Reference;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The layer of {@link OneDnnConvolution}: DL4J's convolution layer with its oneDNN helper installed
 * when the loaded libnd4j has oneDNN. The helper handles float32 and hands other types back to
 * the built-in path, so double-precision gradient checks still run DL4J's own code. With the
 * identity activation its backward pass skips the forward convolution DL4J's layer repeats only to
 * differentiate the activation (a sixth of a training step's operator time when measured). In an
 * {@link InputGradientGraph}, which needs no parameter gradients, the backward pass is one forward
 * convolution of the upstream gradient with the transposed, flipped kernel instead of oneDNN's
 * data and weight backward passes.
 */
public class OneDnnConvolutionLayer extends ConvolutionLayer {
  private static final long serialVersionUID = 1L;

  private boolean inputGradientOnly;

  public OneDnnConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
    if (OneDnn.loaded()) {
      helper = new MKLDNNConvHelper(dataType);
    }
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
    if (helper == null || !(layerConf().getActivationFn() instanceof ActivationIdentity)
        || input.dataType() != DataType.FLOAT || epsilon.dataType() != DataType.FLOAT) {
      return super.backpropGradient(epsilon, workspaceMgr);
    }
    assertInputSet(true);
    if (inputGradientOnly && transposable()) {
      return new Pair<>(new DefaultGradient(), inputGradient(epsilon, workspaceMgr));
    }
    INDArray weights = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, true, workspaceMgr);
    INDArray bias = getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, true, workspaceMgr);
    INDArray biasGrad = hasBias() ? gradientViews.get(ConvolutionParamInitializer.BIAS_KEY) : null;
    Pair<Gradient, INDArray> ret = helper.backpropGradient(input, weights, bias, epsilon,
        layerConf().getKernelSize(), layerConf().getStride(), layerConf().getPadding(), biasGrad,
        gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY), layerConf().getActivationFn(),
        layerConf().getCudnnAlgoMode(), layerConf().getCudnnBwdFilterAlgo(),
        layerConf().getCudnnBwdDataAlgo(), convolutionMode, layerConf().getDilation(),
        layerConf().getCnn2dDataFormat(), workspaceMgr);
    ret.setSecond(backpropDropOutIfPresent(ret.getSecond()));
    weightNoiseParams.clear();
    return ret;
  }

  /**
   * Makes backward passes compute only the gradient with respect to the layer's input, leaving the
   * parameter gradients untouched: for graphs that differentiate with respect to their input.
   */
  void inputGradientOnly() {
    inputGradientOnly = true;
  }

  /** Whether the input gradient is a same-size convolution with the flipped kernel: stride 1, no dilation, odd kernel, "same" padding. */
  private boolean transposable() {
    int[] k = layerConf().getKernelSize();
    int[] stride = layerConf().getStride();
    int[] dilation = layerConf().getDilation();
    return convolutionMode == ConvolutionMode.Same && layerConf().getCnn2dDataFormat() == CNN2DFormat.NCHW
        && k[0] % 2 == 1 && k[1] % 2 == 1 && stride[0] == 1 && stride[1] == 1 && dilation[0] == 1 && dilation[1] == 1
        && layerConf().getIDropout() == null;
  }

  /**
   * The gradient with respect to the input: the upstream gradient convolved, with "same" padding,
   * by the kernel with input and output channels swapped and both spatial axes reversed.
   */
  private INDArray inputGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
    INDArray weights = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, true, workspaceMgr);
    int[] k = layerConf().getKernelSize();
    INDArray transposed = swappedAndFlipped(weights, k[0] * k[1]);
    INDArray gradient = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(), 'c');
    DynamicCustomOp convolution = DynamicCustomOp.builder("conv2d").addInputs(epsilon, transposed).addOutputs(gradient)
        .addIntegerArguments(k[0], k[1], 1, 1, k[0] / 2, k[1] / 2, 1, 1, 1, 0, 1).build();
    Nd4j.exec(convolution);
    // ND4J frees an array's native buffer once its Java object is collected, even while an op that
    // was handed only the native pointers still runs: keep the op and its arrays reachable until it ends
    Reference.reachabilityFence(convolution);
    Reference.reachabilityFence(transposed);
    weightNoiseParams.clear();
    return gradient;
  }

  /**
   * The kernel [oC, iC, kH, kW] as [iC, oC, kH, kW] with both spatial axes reversed. Reversing both
   * axes reverses the order of the kH kW taps, so this picks the taps' columns backwards; libnd4j's
   * {@code reverse} op would do it in one call, but in 1.0.0-M2.1 it leaks native memory on every call
   * (about 230 KB, measured), which grew an evaluate task past 8 GB.
   */
  private static INDArray swappedAndFlipped(INDArray weights, int taps) {
    int[] backwards = new int[taps];
    for (int j = 0; j < taps; j++) {
      backwards[j] = taps - 1 - j;
    }
    long[] shape = {weights.size(1), weights.size(0), weights.size(2), weights.size(3)};
    return weights.permute(1, 0, 2, 3).dup('c').reshape('c', shape[0] * shape[1], taps)
        .getColumns(backwards).reshape('c', shape);
  }

  /** True when convolutions of this layer go through oneDNN. */
  public boolean usesOneDnn() {
    return helper != null;
  }
}
