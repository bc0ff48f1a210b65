package org.scoresde.fp;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Where the regularizer's random directions come from. Every kind has E[v v^T] = I, so v^T A v is an
 * unbiased estimate of tr A (Hutchinson) and (u.R)^2 of |R|^2. {@code BASIS} is the deterministic
 * exact alternative for small D: the D vectors sqrt(D) e_k, whose mean of v^T A v is tr A exactly.
 */
public enum ProbeDistribution {
  /** +-1 with probability 1/2 each: |v|^2 = D always, the smaller variance. */
  RADEMACHER,
  /** Standard normal entries, as in the FP-Diffusion reference. */
  GAUSSIAN,
  /** sqrt(D) times the unit vectors, all D of them: exact traces, no randomness. */
  BASIS;

  /** The kind called {@code name}: rademacher, gaussian or basis. */
  public static ProbeDistribution parse(String name) {
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("unknown probe distribution '" + name + "': use rademacher, gaussian or basis", e);
    }
  }

  /** True for the kinds whose probes are drawn at random. */
  public boolean random() {
    return this != BASIS;
  }

  /**
   * Probe number {@code index} of one example, D entries: drawn from {@code rng} for the random kinds,
   * sqrt(D) e_index for BASIS.
   */
  public double[] draw(int d, int index, SplittableRandom rng) {
    double[] v = new double[d];
    switch (this) {
      case RADEMACHER:
        for (int j = 0; j < d; j++) {
          v[j] = rng.nextBoolean() ? 1.0 : -1.0;
        }
        break;
      case GAUSSIAN:
        for (int j = 0; j < d; j++) {
          v[j] = rng.nextGaussian();
        }
        break;
      default:
        if (index < 0 || index >= d) {
          throw new IllegalArgumentException("basis probe " + index + " out of range for D = " + d);
        }
        v[index] = Math.sqrt(d);
    }
    return v;
  }
}
