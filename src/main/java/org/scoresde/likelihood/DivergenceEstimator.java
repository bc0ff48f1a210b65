package org.scoresde.likelihood;

import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.scoresde.score.ScoreModel;

/**
 * How the likelihood computes div_x s: exactly from D vector-Jacobian products with the unit vectors,
 * or by Hutchinson's unbiased estimate v^T (ds/dx) v averaged over K probes (Rademacher or Gaussian),
 * each from one vector-Jacobian product.
 */
public interface DivergenceEstimator {

  /** The name used in configuration and reports: {@code exact}, {@code rademacher} or {@code gaussian}. */
  String name();

  /** The number of probes per example (for exact: D, the unit vectors, reported as 0 here). */
  int probes();

  /**
   * Starts one integration of {@code rowSeeds.length} rows of the model's dimension: random probes,
   * if any, are drawn now, row i's from {@code rowSeeds[i]} alone (so a row's estimate does not
   * depend on the batch it is in), and kept until the integration ends.
   */
  ScoreDivergence start(ScoreModel model, long[] rowSeeds, DataType type);

  /** Starts one integration of n rows whose probe seeds are split off one {@code seed}. */
  default ScoreDivergence start(ScoreModel model, int n, DataType type, long seed) {
    return start(model, rowSeeds(n, seed), type);
  }

  /** n decorrelated seeds derived from one: the i-th is a pure function of (seed, i). */
  static long[] rowSeeds(int n, long seed) {
    long[] seeds = new long[n];
    for (int i = 0; i < n; i++) {
      seeds[i] = org.scoresde.time.Seeds.derive(seed, i);
    }
    return seeds;
  }

  /** The exact trace from D vector-Jacobian products, batched {@value ExactDivergence#DEFAULT_MAX_ROWS} rows per call. */
  static DivergenceEstimator exact() {
    return new ExactDivergence(ExactDivergence.DEFAULT_MAX_ROWS);
  }

  /** Hutchinson's estimate with one Rademacher (+-1) probe per example. */
  static DivergenceEstimator rademacher() {
    return rademacher(1);
  }

  /** Hutchinson's estimate averaged over k Rademacher probes per example. */
  static DivergenceEstimator rademacher(int k) {
    return new HutchinsonDivergence(HutchinsonDivergence.Probe.RADEMACHER, k);
  }

  /** Hutchinson's estimate with one standard Gaussian probe per example. */
  static DivergenceEstimator gaussian() {
    return gaussian(1);
  }

  /** Hutchinson's estimate averaged over k standard Gaussian probes per example. */
  static DivergenceEstimator gaussian(int k) {
    return new HutchinsonDivergence(HutchinsonDivergence.Probe.GAUSSIAN, k);
  }

  /** The estimator called {@code name} (exact, rademacher, gaussian) with k probes for Hutchinson's. */
  static DivergenceEstimator parse(String name, int k) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "exact":
        return exact();
      case "rademacher":
        return rademacher(k);
      case "gaussian":
        return gaussian(k);
      default:
        throw new IllegalArgumentException("unknown trace estimator '" + name + "': use exact, rademacher or gaussian");
    }
  }
}
