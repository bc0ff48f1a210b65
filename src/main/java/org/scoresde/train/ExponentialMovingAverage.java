package org.scoresde.train;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The exponential moving average of the network's parameters, kept on the driver and updated
 * after every parameter-averaging round: ema <- decay * ema + (1 - decay) * params. Sampling and
 * likelihood use these weights (model.zip), which are smoother than the last iterate.
 */
public final class ExponentialMovingAverage {
  private final double decay;
  private final INDArray average;
  private long updates;

  /** Starts the average at the given parameters (copied). */
  public ExponentialMovingAverage(double decay, INDArray initial) {
    this(decay, initial, 0);
  }

  /** Restores an average (copied) after {@code updates} updates, e.g. from a checkpoint. */
  public ExponentialMovingAverage(double decay, INDArray average, long updates) {
    if (!(decay >= 0 && decay < 1)) {
      throw new IllegalArgumentException("EMA decay must be in [0, 1), got " + decay);
    }
    this.decay = decay;
    this.average = average.dup();
    this.updates = updates;
  }

  /**
   * Folds in the current parameters. The effective decay is min(decay, (1 + k) / (10 + k)) after k
   * updates, so a short run's average is not dominated by the random initial weights.
   */
  public void update(INDArray params) {
    double d = Math.min(decay, (1.0 + updates) / (10.0 + updates));
    average.muli(d).addi(params.mul(1.0 - d));
    updates++;
  }

  /** The averaged parameters (a copy). */
  public INDArray parameters() {
    return average.dup();
  }

  public long updates() {
    return updates;
  }

  public double decay() {
    return decay;
  }
}
