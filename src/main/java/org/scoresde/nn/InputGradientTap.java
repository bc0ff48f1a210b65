package org.scoresde.nn;

import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.scoresde.nd4j.Workspaces;

/**
 * An identity vertex placed right after a graph input that keeps a copy of the gradient arriving at
 * it during the backward pass. With workspaces on, DL4J closes the workspace holding an input's
 * gradient before the backward pass returns; this vertex copies it out while it is still valid, into
 * the scope {@link InputGradientGraph} names (its caller's workspace, or detached memory), so the
 * graph can run in workspaces instead of allocating every activation afresh.
 */
public final class InputGradientTap extends ScaleVertex {
  private static final long serialVersionUID = 1L;

  public InputGradientTap() {
    super(1.0);
  }

  @Override
  public InputGradientTap clone() {
    return new InputGradientTap();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InputGradientTap;
  }

  @Override
  public int hashCode() {
    return InputGradientTap.class.hashCode();
  }

  @Override
  public GraphVertex instantiate(ComputationGraph graph, String name, int idx, INDArray paramsView,
      boolean initializeParams, DataType networkDatatype) {
    return new Vertex(graph, name, idx, networkDatatype);
  }

  /** The vertex of {@link InputGradientTap} in a built graph. */
  static final class Vertex extends org.deeplearning4j.nn.graph.vertex.impl.ScaleVertex {
    private static final long serialVersionUID = 1L;
    private transient INDArray captured;
    private transient MemoryWorkspace target;

    Vertex(ComputationGraph graph, String name, int idx, DataType dataType) {
      super(graph, name, idx, 1.0, dataType);
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
      Pair<Gradient, INDArray[]> pair = super.doBackward(tbptt, workspaceMgr);
      captured = Workspaces.copyInto(target, getEpsilon());
      return pair;
    }

    /** Where the next backward pass copies the gradient: an open workspace, or null for detached memory. */
    void captureInto(MemoryWorkspace scope) {
      target = scope;
    }

    /** The gradient of the last backward pass, cleared as it is taken. */
    INDArray takeGradient() {
      INDArray g = captured;
      captured = null;
      target = null;
      return g;
    }
  }
}
