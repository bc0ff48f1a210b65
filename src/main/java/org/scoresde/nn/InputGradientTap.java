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
import org.nd4j.linalg.factory.Nd4j;

/**
 * An identity vertex placed right after a graph input that keeps a detached copy of the gradient
 * arriving at it during the backward pass. With workspaces on, DL4J closes the workspace holding
 * an input's gradient before the backward pass returns; this vertex copies it out while it is
 * still valid, so {@link InputGradientGraph} can run in workspaces instead of allocating every
 * activation afresh.
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

    Vertex(ComputationGraph graph, String name, int idx, DataType dataType) {
      super(graph, name, idx, 1.0, dataType);
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
      Pair<Gradient, INDArray[]> pair = super.doBackward(tbptt, workspaceMgr);
      try (MemoryWorkspace outside = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
        captured = getEpsilon().dup();
      }
      return pair;
    }

    /** The gradient of the last backward pass (detached), cleared as it is taken. */
    INDArray takeGradient() {
      INDArray g = captured;
      captured = null;
      return g;
    }
  }
}
