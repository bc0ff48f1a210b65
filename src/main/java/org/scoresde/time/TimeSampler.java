package org.scoresde.time;

import java.io.Serializable;
import java.util.random.RandomGenerator;

/**
 * Draws the diffusion times of a DSM minibatch from a density on [eta, T] and weights each
 * example so that the weighted loss is an unbiased estimate of the loss under t ~ U(eta, T) with
 * the chosen {@link LossWeighting}: E_sampler[w(t) h(t)] = E_U[(lambda/sigma^2)(t) h(t)] for every h.
 * Implementations are immutable and serializable, so one instance can travel to Spark executors,
 * and all randomness comes from the generator the caller passes (see {@link Seeds}).
 */
public interface TimeSampler extends Serializable {

  /** The smallest time eta > 0 (the loss is not defined at t = 0, where sigma_0 = 0). */
  double eta();

  /** The largest time T, the SDE's horizon. */
  double horizon();

  /** The per-example loss weight w(t) for a time t drawn by this sampler. */
  double weight(double t);

  /** One time drawn from this sampler's density with the given generator. */
  double nextTime(RandomGenerator rng);

  /** n times and their weights, drawn in order from the given generator. */
  default TimeBatch draw(int n, RandomGenerator rng) {
    if (n < 0) {
      throw new IllegalArgumentException("cannot draw a negative number of times: " + n);
    }
    double[] t = new double[n];
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      t[i] = nextTime(rng);
      w[i] = weight(t[i]);
    }
    return new TimeBatch(t, w);
  }
}
