package org.scoresde.nn;

import java.lang.ref.Reference;
import java.util.Arrays;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.BaseGraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.factory.Nd4j;
import org.deeplearning4j.nn.api.MaskState;

/**
 * Adds a per-example, per-channel vector [N, C] to every pixel of a feature map [N, C, H, W]: the
 * way a residual block takes its projection of the time vector. One broadcast op forward and one
 * sum over the pixels backward, where DL4J's built-in route (RepeatVector, reshape, element-wise
 * add) copied the vector to every pixel first and took 14% of the network's forward time.
 * Inputs: the feature map first, the vector second.
 */
public final class ChannelBroadcastAdd extends GraphVertex {
  private static final long serialVersionUID = 1L;

  @Override
  public ChannelBroadcastAdd clone() {
    return new ChannelBroadcastAdd();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ChannelBroadcastAdd;
  }

  @Override
  public int hashCode() {
    return ChannelBroadcastAdd.class.hashCode();
  }

  @Override
  public long numParams(boolean backprop) {
    return 0;
  }

  @Override
  public int minVertexInputs() {
    return 2;
  }

  @Override
  public int maxVertexInputs() {
    return 2;
  }

  @Override
  public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
      INDArray paramsView, boolean initializeParams, DataType networkDatatype) {
    return new Vertex(graph, name, idx, networkDatatype);
  }

  @Override
  public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
    if (vertexInputs.length != 2 || vertexInputs[0].getType() != InputType.Type.CNN
        || vertexInputs[1].getType() != InputType.Type.FF) {
      throw new InvalidInputTypeException("ChannelBroadcastAdd takes a feature map and a vector, got "
          + Arrays.toString(vertexInputs));
    }
    long channels = ((InputType.InputTypeConvolutional) vertexInputs[0]).getChannels();
    long size = ((InputType.InputTypeFeedForward) vertexInputs[1]).getSize();
    if (channels != size) {
      throw new InvalidInputTypeException("ChannelBroadcastAdd: " + channels + " channels but a vector of " + size);
    }
    return vertexInputs[0];
  }

  @Override
  public MemoryReport getMemoryReport(InputType... inputTypes) {
    return new LayerMemoryReport.Builder(null, ChannelBroadcastAdd.class, inputTypes[0], inputTypes[0])
        .standardMemory(0, 0).workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
  }

  /** The vertex of {@link ChannelBroadcastAdd} in a built graph. */
  static final class Vertex extends BaseGraphVertex {
    private static final long serialVersionUID = 1L;

    Vertex(ComputationGraph graph, String name, int idx, DataType dataType) {
      super(graph, name, idx, null, null, dataType);
    }

    @Override
    public boolean hasLayer() {
      return false;
    }

    @Override
    public org.deeplearning4j.nn.api.Layer getLayer() {
      return null;
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
      if (!canDoForward()) {
        throw new IllegalStateException("ChannelBroadcastAdd " + vertexName + ": inputs not set");
      }
      INDArray map = inputs[0];
      INDArray vector = inputs[1];
      INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, map.dataType(), map.shape(), 'c');
      BroadcastAddOp add = new BroadcastAddOp(map, vector, out, 0, 1);
      Nd4j.getExecutioner().exec(add);
      // the op holds its dimension array, which nothing else references: a collection during the
      // native call would free that array's buffer under it (a crash seen in DataBuffer::primary)
      Reference.reachabilityFence(add);
      return out;
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
      if (!canDoBackward()) {
        throw new IllegalStateException("ChannelBroadcastAdd " + vertexName + ": errors not set");
      }
      INDArray mapGradient = workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, epsilon);
      INDArray vectorGradient;
      try (MemoryWorkspace ws = workspaceMgr.notifyScopeBorrowed(ArrayType.ACTIVATION_GRAD)) {
        vectorGradient = epsilon.sum(2, 3);
      }
      return new Pair<>(null, new INDArray[] {mapGradient, vectorGradient});
    }

    @Override
    public void setBackpropGradientsViewArray(INDArray backpropGradientsViewArray) {
      if (backpropGradientsViewArray != null) {
        throw new IllegalStateException("ChannelBroadcastAdd has no parameters");
      }
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] maskArrays, MaskState currentMaskState,
        int minibatchSize) {
      return maskArrays == null || maskArrays.length == 0 ? null : new Pair<>(maskArrays[0], currentMaskState);
    }

    @Override
    public String toString() {
      return "ChannelBroadcastAdd(id=" + vertexIndex + ",name=\"" + vertexName + "\")";
    }
  }
}
