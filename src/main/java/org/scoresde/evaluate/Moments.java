package org.scoresde.evaluate;

/**
 * The count, mean and sum of squared deviations of a stream of values (Welford), mergeable with
 * another stream's (Chan et al.), with the standard error of the mean and its normal 95% interval:
 * the statistics of a dataset's NLL and of each of its classes.
 */
public final class Moments implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private long n;
  private double mean;
  private double m2;

  /** Adds one value. */
  public Moments add(double value) {
    n++;
    double delta = value - mean;
    mean += delta / n;
    m2 += delta * (value - mean);
    return this;
  }

  /** Adds another stream's values; returns this. */
  public Moments merge(Moments o) {
    if (o.n == 0) {
      return this;
    }
    if (n == 0) {
      n = o.n;
      mean = o.mean;
      m2 = o.m2;
      return this;
    }
    long total = n + o.n;
    double delta = o.mean - mean;
    m2 += o.m2 + delta * delta * n * o.n / total;
    mean += delta * o.n / total;
    n = total;
    return this;
  }

  public long count() {
    return n;
  }

  public double mean() {
    return mean;
  }

  /** Sample standard deviation. */
  public double std() {
    return n > 1 ? Math.sqrt(m2 / (n - 1)) : Double.NaN;
  }

  /** Standard error of the mean. */
  public double stderr() {
    return n > 1 ? std() / Math.sqrt(n) : Double.NaN;
  }

  /** The normal-approximation 95% interval [mean - 1.96 se, mean + 1.96 se]. */
  public double[] ci95() {
    double se = stderr();
    return new double[] {mean - 1.959964 * se, mean + 1.959964 * se};
  }
}
