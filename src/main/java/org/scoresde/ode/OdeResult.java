package org.scoresde.ode;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What an adaptive integration produced: the final state y [N, M], the number of batch evaluations
 * of F (whatever the batch size of each), the number of rows evaluated in total (the cost when F is
 * a network), the accepted and rejected steps of every row, and every row's own number of
 * evaluations of F (its NFE: the batch count is about that of the slowest row).
 */
public record OdeResult(
    INDArray y, long evaluations, long rowEvaluations, int[] acceptedSteps, int[] rejectedSteps,
    int[] evaluationsPerRow) {

  /** The mean over rows of each row's own number of evaluations of F. */
  public double meanEvaluationsPerRow() {
    return Arrays.stream(evaluationsPerRow).average().orElse(0);
  }

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
