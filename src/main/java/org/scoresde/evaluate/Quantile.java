package org.scoresde.evaluate;

import java.util.Arrays;

/**
 * The q-quantile of a sample by linear interpolation between its order statistics (the usual
 * definition of R's type 7 and NumPy's default), NaN for an empty sample: the medians and 5%/95%
 * points that nll.json, sample.json and the report print.
 */
public final class Quantile {
  private Quantile() {}

  /** The q-quantile of {@code values} (any order; not changed). */
  public static double of(double[] values, double q) {
    double[] s = values.clone();
    Arrays.sort(s);
    return ofSorted(s, q);
  }

  /** The q-quantile of values already sorted ascending. */
  public static double ofSorted(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }
}
