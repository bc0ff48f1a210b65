package org.scoresde.nn;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.ActivationLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The layer of {@link ActivationOutOfPlace}: with an {@link OutOfPlaceActivation} it writes the
 * output (forward) and the input's gradient (backward) straight into DL4J's workspace arrays,
 * where DL4J's ActivationLayer first copies its input, both ways, and works in place on it. Other
 * activation functions run DL4J's path. A training forward pass keeps what the activation's
 * backward pass would otherwise recompute ({@link OutOfPlaceActivation#activateKeeping}) in the
 * activations workspace, which lives until the backward pass.
 */
public class ActivationOutOfPlaceLayer extends ActivationLayer {
  private static final long serialVersionUID = 1L;

  private transient OutOfPlaceActivation.Kept kept;
  private transient INDArray keptFor;

  public ActivationOutOfPlaceLayer(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
    if (!(layerConf().getActivationFn() instanceof OutOfPlaceActivation activation)) {
      return super.activate(training, workspaceMgr);
    }
    assertInputSet(false);
    INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(), input.shape(), 'c');
    INDArray scratch = workspaceMgr.createUninitialized(ArrayType.FF_WORKING_MEM, input.dataType(), input.shape(), 'c');
    if (training) {
      DataType type = input.dataType();
      kept = activation.activateKeeping(input, out, scratch,
          shape -> workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, type, shape, 'c'));
      keptFor = kept == null ? null : input;
    } else {
      activation.activate(input, out, scratch);
      kept = null;
      keptFor = null;
    }
    return out;
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
    if (!(layerConf().getActivationFn() instanceof OutOfPlaceActivation activation)) {
      return super.backpropGradient(epsilon, workspaceMgr);
    }
    assertInputSet(true);
    INDArray gradient = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(), 'c');
    INDArray work = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, input.dataType(), input.shape(), 'c');
    INDArray scratch = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, input.dataType(), input.shape(), 'c');
    if (kept != null && keptFor == input) {
      activation.backprop(kept, input, epsilon, gradient, work, scratch);
    } else {
      activation.backprop(input, epsilon, gradient, work, scratch);
    }
    kept = null;
    keptFor = null;
    return new Pair<>(new DefaultGradient(), gradient);
  }
}
