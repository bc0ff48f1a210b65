package org.scoresde.nn;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's activation-layer configuration whose layer, {@link ActivationOutOfPlaceLayer}, runs an
 * {@link OutOfPlaceActivation} from its input into a fresh output, so that it never copies or
 * modifies its input. JSON and parameters (none) are those of {@link ActivationLayer}.
 */
public class ActivationOutOfPlace extends ActivationLayer {
  private static final long serialVersionUID = 1L;

  /** For JSON deserialization. */
  public ActivationOutOfPlace() {}

  public ActivationOutOfPlace(IActivation activation) {
    super(new ActivationLayer.Builder().activation(activation));
  }

  @Override
  public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
      int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
    return LayerInstances.wire(new ActivationOutOfPlaceLayer(conf, networkDataType), conf, trainingListeners, layerIndex,
        layerParamsView, initializeParams, initializer());
  }
}
