package org.scoresde.time;

/**
 * One draw of diffusion times for a minibatch: t[i] in [eta, T] and the per-example loss weight
 * weight[i], so that the DSM loss of example i is weight[i] * ||eps_i - eps_theta(x_{t_i}, t_i)||^2.
 * The arrays are fresh for every draw and belong to the caller.
 */
public record TimeBatch(double[] t, double[] weight) {

  public TimeBatch {
    if (t == null || weight == null || t.length != weight.length) {
      throw new IllegalArgumentException("times and weights must be non-null arrays of the same length");
    }
  }

  /** The number of times drawn. */
  public int size() {
    return t.length;
  }
}
