package org.scoresde.nn;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The layer of {@link OneDnnConvolution}: DL4J's convolution layer with its oneDNN helper installed
 * when the loaded libnd4j has oneDNN. The helper handles float32 and hands other types back to
 * the built-in path, so double-precision gradient checks still run DL4J's own code. With the
 * identity activation its backward pass skips the forward convolution DL4J's layer repeats only to
 * differentiate the activation (a fifth of a training step's operator time).
 */
public class OneDnnConvolutionLayer extends ConvolutionLayer {
  private static final long serialVersionUID = 1L;

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

  /** True when convolutions of this layer go through oneDNN. */
  public boolean usesOneDnn() {
    return helper != null;
  }
}
