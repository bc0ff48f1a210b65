package org.scoresde.nn;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.FwdPassType;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.scoresde.nd4j.Workspaces;

/**
 * A ComputationGraph that returns the gradient with respect to one of its inputs: given an
 * upstream gradient u of the output, it computes u^T d(output)/d(input), the vector-Jacobian
 * product. DL4J 1.0.0-M2.1 has no public method for this; this graph runs the forward pass and the
 * protected backward pass with the external gradient inside DL4J's training workspaces (as
 * graph.fit does), and reads the input's gradient from an {@link InputGradientTap} that follows
 * the input. Workspaces matter: without them every activation is fresh off-heap memory, and the
 * page faults of that churn cost more than the arithmetic (BENCHMARKS.md). The output layer must
 * be a plain (not loss) layer. Not thread-safe across threads beyond its own lock.
 */
public final class InputGradientGraph extends ComputationGraph {
  private static final long serialVersionUID = 1L;

  private final String outputName;
  private final String tapName;

  /**
   * @param configuration a graph with workspaces on, the single output {@code outputName} and an
   *     {@link InputGradientTap} named {@code tapName} after the input of interest
   */
  public InputGradientGraph(ComputationGraphConfiguration configuration, String tapName, String outputName) {
    super(configuration);
    if (configuration.getTrainingWorkspaceMode() != WorkspaceMode.ENABLED) {
      throw new IllegalArgumentException("input gradients run in training workspaces, got mode "
          + configuration.getTrainingWorkspaceMode());
    }
    if (!configuration.getNetworkOutputs().equals(List.of(outputName))) {
      throw new IllegalArgumentException("expected the single output '" + outputName + "', got "
          + configuration.getNetworkOutputs());
    }
    if (!(configuration.getVertices().get(tapName) instanceof InputGradientTap)) {
      throw new IllegalArgumentException("expected an InputGradientTap named '" + tapName + "'");
    }
    this.tapName = tapName;
    this.outputName = outputName;
  }

  /** Initializes as DL4J does, then lets convolutions skip their parameter gradients, which no caller reads. */
  @Override
  public void init(INDArray parameters, boolean cloneParametersArray) {
    super.init(parameters, cloneParametersArray);
    for (Layer layer : getLayers()) {
      if (layer instanceof OneDnnConvolutionLayer convolution) {
        convolution.inputGradientOnly();
      }
    }
  }

  /**
   * The network output and upstream^T d(output)/d(input), both copied into the caller's scope: the
   * workspace open when this is called, or detached memory when none is.
   */
  public synchronized OutputAndGradient outputAndInputGradient(INDArray[] inputs, INDArray upstream) {
    MemoryWorkspace caller = Workspaces.current();
    InputGradientTap.Vertex tap = (InputGradientTap.Vertex) getVertex(tapName);
    LayerWorkspaceMgr workspaces = LayerWorkspaceMgr.builder()
        .with(ArrayType.ACTIVATIONS, WS_ALL_LAYERS_ACT, WS_ALL_LAYERS_ACT_CONFIG)
        .with(ArrayType.INPUT, WS_ALL_LAYERS_ACT, WS_ALL_LAYERS_ACT_CONFIG)
        .with(ArrayType.FF_WORKING_MEM, WS_LAYER_WORKING_MEM, WS_LAYER_WORKING_MEM_CONFIG)
        .with(ArrayType.BP_WORKING_MEM, WS_LAYER_WORKING_MEM, WS_LAYER_WORKING_MEM_CONFIG)
        .with(ArrayType.RNN_FF_LOOP_WORKING_MEM, WS_RNN_LOOP_WORKING_MEM, WS_RNN_LOOP_WORKING_MEM_CONFIG)
        .with(ArrayType.RNN_BP_LOOP_WORKING_MEM, WS_RNN_LOOP_WORKING_MEM, WS_RNN_LOOP_WORKING_MEM_CONFIG)
        .build();
    INDArray output;
    INDArray gradient;
    try (MemoryWorkspace activations = workspaces.notifyScopeEntered(ArrayType.ACTIVATIONS)) {
      Map<String, INDArray> acts = ffToLayerActivationsInWS(true, -1, null, FwdPassType.STANDARD, false, inputs,
          null, null, false);
      output = Workspaces.copyInto(caller, acts.get(outputName));
      tap.captureInto(caller);
      calcBackpropGradients(false, false, upstream);
      gradient = tap.takeGradient();
    } finally {
      clearLayersStates();
    }
    if (gradient == null) {
      throw new IllegalStateException("the backward pass left no gradient at '" + tapName + "'");
    }
    return new OutputAndGradient(output, gradient);
  }

  /** A network output with the input gradient of one backward pass. */
  public record OutputAndGradient(INDArray output, INDArray inputGradient) {}
}
