package org.scoresde.train;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The learning rate ramped linearly from 0 to {@code rate} over the first {@code warmup}
 * iterations, then held. DL4J's own RampSchedule cannot be read back from a saved network's JSON
 * (no Jackson creator), which would make every checkpoint unreadable; this one can.
 */
public final class WarmupSchedule implements ISchedule {
  private static final long serialVersionUID = 1L;
  private final double rate;
  private final int warmup;

  public WarmupSchedule(@JsonProperty("rate") double rate, @JsonProperty("warmup") int warmup) {
    this.rate = rate;
    this.warmup = warmup;
  }

  @JsonProperty("rate")
  public double rate() {
    return rate;
  }

  @JsonProperty("warmup")
  public int warmup() {
    return warmup;
  }

  @Override
  public double valueAt(int iteration, int epoch) {
    return warmup <= 0 ? rate : rate * Math.min(1.0, (iteration + 1.0) / warmup);
  }

  @Override
  public ISchedule clone() {
    return new WarmupSchedule(rate, warmup);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WarmupSchedule w && w.rate == rate && w.warmup == warmup;
  }

  @Override
  public int hashCode() {
    return Double.hashCode(rate) * 31 + warmup;
  }
}
