package org.scoresde.nn;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's 2-D convolution configuration whose layers run forward and backward through libnd4j's
 * oneDNN-backed conv2d / conv2d_bp ops (DL4J's own MKLDNNConvHelper, which M2.1 never installs
 * because its availability check looks for a class the release lacks). Parameters, JSON and
 * results are those of {@link ConvolutionLayer}; only the speed differs.
 */
public class OneDnnConvolution extends ConvolutionLayer {
  private static final long serialVersionUID = 1L;

  /** For JSON deserialization. */
  public OneDnnConvolution() {}

  protected OneDnnConvolution(Builder builder) {
    super(builder);
  }

  @Override
  public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
      int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
    return LayerInstances.wire(new OneDnnConvolutionLayer(conf, networkDataType), conf, trainingListeners, layerIndex,
        layerParamsView, initializeParams, initializer());
  }

  /** Builds {@link OneDnnConvolution}; the options are those of DL4J's ConvolutionLayer.Builder. */
  public static class Builder extends ConvolutionLayer.Builder {
    public Builder(int... kernelSize) {
      super(kernelSize);
    }

    @Override
    @SuppressWarnings("unchecked")
    public OneDnnConvolution build() {
      super.build();
      return new OneDnnConvolution(this);
    }
  }
}
