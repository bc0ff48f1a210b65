package org.scoresde.nn;

import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A ComputationGraph that returns the gradient with respect to one of its inputs: given an
 * upstream gradient u of the output, it computes u^T d(output)/d(input), the vector-Jacobian
 * product. DL4J 1.0.0-M2.1 has no public method for this; the route that was checked exact
 * (against central differences in double) is a forward pass that keeps its inputs, the protected
 * backward pass with the external gradient, and the input vertex's epsilon. It needs workspace mode
 * NONE and a plain (not loss) output layer. Not thread-safe across threads beyond its own lock.
 */
public final class InputGradientGraph extends ComputationGraph {
  private static final long serialVersionUID = 1L;

  private final String inputName;
  private final String outputName;

  public InputGradientGraph(ComputationGraphConfiguration configuration, String inputName, String outputName) {
    super(configuration);
    if (configuration.getTrainingWorkspaceMode() != WorkspaceMode.NONE) {
      throw new IllegalArgumentException("input gradients need training workspace mode NONE, got "
          + configuration.getTrainingWorkspaceMode());
    }
    if (!configuration.getNetworkOutputs().equals(java.util.List.of(outputName))) {
      throw new IllegalArgumentException("expected the single output '" + outputName + "', got "
          + configuration.getNetworkOutputs());
    }
    this.inputName = inputName;
    this.outputName = outputName;
  }

  /** The network output and upstream^T d(output)/d(input), both detached copies. */
  public synchronized OutputAndGradient outputAndInputGradient(INDArray[] inputs, INDArray upstream) {
    Map<String, INDArray> activations = feedForward(inputs, true, false);
    INDArray output = activations.get(outputName).dup();
    calcBackpropGradients(false, false, upstream);
    INDArray epsilon = getVertex(inputName).getEpsilon();
    if (epsilon == null) {
      throw new IllegalStateException("the backward pass left no gradient at input '" + inputName + "'");
    }
    INDArray gradient = epsilon.dup();
    clearLayersStates();
    return new OutputAndGradient(output, gradient);
  }

  /** A network output with the input gradient of one backward pass. */
  public record OutputAndGradient(INDArray output, INDArray inputGradient) {}
}
