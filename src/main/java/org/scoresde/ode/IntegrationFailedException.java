package org.scoresde.ode;

/**
 * An adaptive integration that could not reach its end time: a row exceeded the step limit, or its
 * step size underflowed (often because F returned NaN or infinity). The message names the row,
 * its time and step size, and what to change.
 */
public final class IntegrationFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int row;
  private final double time;

  public IntegrationFailedException(String message, int row, double time) {
    super(message);
    this.row = row;
    this.time = time;
  }

  /** The index, in the original batch, of the row that failed. */
  public int row() {
    return row;
  }

  /** The time that row had reached. */
  public double time() {
    return time;
  }
}
