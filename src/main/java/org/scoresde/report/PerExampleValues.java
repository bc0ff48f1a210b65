package org.scoresde.report;

import java.util.Arrays;
import org.scoresde.evaluate.Quantile;

/**
 * The per-example results of an evaluation: each example's negative log-likelihood per dimension
 * (already averaged over its dequantization draws) and the mean number of score evaluations its
 * ODE solves took (NaN when not recorded).
 */
public final class PerExampleValues {
  private final double[] values;
  private final double[] nfe;

  public PerExampleValues(double[] values, double[] nfe) {
    if (values.length != nfe.length) {
      throw new IllegalArgumentException("values and nfe differ in length: " + values.length + " vs " + nfe.length);
    }
    this.values = values.clone();
    this.nfe = nfe.clone();
  }

  public int size() {
    return values.length;
  }

  public double[] values() {
    return values.clone();
  }

  public double[] nfe() {
    return nfe.clone();
  }

  public double mean() {
    return Arrays.stream(values).average().orElse(Double.NaN);
  }

  /** The q-quantile of the values (linear interpolation between order statistics). */
  public double quantile(double q) {
    return Quantile.of(values, q);
  }

  /** The q-quantile of the recorded NFEs, NaN when none was recorded. */
  public double nfeQuantile(double q) {
    return Quantile.of(Arrays.stream(nfe).filter(Double::isFinite).toArray(), q);
  }
}
