package org.scoresde.ode;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What an adaptive integration produced: the final state y [N, M], the number of batch evaluations
 * of F (NFE, whatever the batch size of each), the number of rows evaluated in total (the cost when
 * F is a network), and the accepted and rejected steps of every row.
 */
public record OdeResult(
    INDArray y, long evaluations, long rowEvaluations, int[] acceptedSteps, int[] rejectedSteps) {

  /** The largest number of accepted steps of any row. */
  public int maxAcceptedSteps() {
    return Arrays.stream(acceptedSteps).max().orElse(0);
  }

  /** The mean number of accepted steps per row. */
  public double meanAcceptedSteps() {
    return Arrays.stream(acceptedSteps).average().orElse(0);
  }

  /** The total number of rejected steps over all rows. */
  public long totalRejectedSteps() {
    return Arrays.stream(rejectedSteps).asLongStream().sum();
  }
}
