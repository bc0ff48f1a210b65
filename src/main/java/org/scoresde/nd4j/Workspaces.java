package org.scoresde.nd4j;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J memory scopes for loops that run thousands of times (solver steps, network evaluations).
 * An array made outside a workspace is freed only after the garbage collector finds its small Java
 * wrapper, and a large heap collects rarely, so such a loop holds gigabytes of dead off-heap arrays;
 * inside a cyclic workspace the same memory is reused every iteration. What must outlive an
 * iteration is copied into the caller's scope (its workspace, or detached memory when it has none).
 */
public final class Workspaces {
  /**
   * A workspace that learns its size in the first cycle and grows on a later one if it must: the
   * memory of one iteration, reset when its scope closes.
   */
  private static final WorkspaceConfiguration CYCLIC = WorkspaceConfiguration.builder()
      .initialSize(0)
      .policyAllocation(AllocationPolicy.OVERALLOCATE)
      .overallocationLimit(0.1)
      .policyLearning(LearningPolicy.FIRST_LOOP)
      .policyReset(ResetPolicy.BLOCK_LEFT)
      .policySpill(SpillPolicy.REALLOCATE)
      .build();

  private Workspaces() {}

  /** The workspace in which new arrays are made on this thread now, or null when they are detached. */
  public static MemoryWorkspace current() {
    return Nd4j.getMemoryManager().getCurrentWorkspace();
  }

  /**
   * Opens one iteration of the cyclic workspace {@code id} of this thread: arrays made until the
   * scope closes live in it and are invalid afterwards.
   */
  public static MemoryWorkspace iteration(String id) {
    return Nd4j.getWorkspaceManager().getAndActivateWorkspace(CYCLIC, id);
  }

  /** A copy of {@code a} made in {@code scope} (a workspace that is open, or null for detached memory). */
  public static INDArray copyInto(MemoryWorkspace scope, INDArray a) {
    try (MemoryWorkspace ignored = scope == null
        ? Nd4j.getWorkspaceManager().scopeOutOfWorkspaces() : scope.notifyScopeBorrowed()) {
      return a.dup(a.ordering());
    }
  }

  /**
   * {@code value} kept in {@code scope}: written into {@code reuse} when that has the same shape and
   * type (no allocation), else copied into a new array there.
   */
  public static INDArray keep(MemoryWorkspace scope, INDArray reuse, INDArray value) {
    if (reuse != null && reuse != value && reuse.dataType() == value.dataType()
        && java.util.Arrays.equals(reuse.shape(), value.shape())) {
      return reuse.assign(value);
    }
    return copyInto(scope, value);
  }
}
