package org.scoresde.nn;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The layer of {@link OneDnnConvolution}: DL4J's convolution layer with its oneDNN helper installed
 * when the loaded libnd4j has oneDNN. The helper handles float32 and hands other types back to
 * the built-in path, so double-precision gradient checks still run DL4J's own code.
 */
public class OneDnnConvolutionLayer extends ConvolutionLayer {
  private static final long serialVersionUID = 1L;

  public OneDnnConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
    if (OneDnn.loaded()) {
      helper = new MKLDNNConvHelper(dataType);
    }
  }

  /** True when convolutions of this layer go through oneDNN. */
  public boolean usesOneDnn() {
    return helper != null;
  }
}
