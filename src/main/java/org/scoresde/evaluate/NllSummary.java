package org.scoresde.evaluate;

import java.util.Map;
import java.util.TreeMap;

/**
 * The reduction of per-example values (bits/dim or nats/dim, each already averaged over its
 * dequantization draws) into a mean, its standard error and a 95% interval. Draws of one example
 * are not independent of each other, so the standard error is taken over examples.
 * Mergeable, so partitions reduce in parallel and only the summaries reach the driver.
 */
public final class NllSummary implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private long n;
  private double mean;
  private double m2;
  private double nfeSum;
  private final TreeMap<String, double[]> perShard = new TreeMap<>();

  /** Adds one example's value (mean over its draws), its mean NFE and the shard it came from. */
  public NllSummary add(double value, double nfe, String shard) {
    n++;
    double delta = value - mean;
    mean += delta / n;
    m2 += delta * (value - mean);
    nfeSum += nfe;
    double[] s = perShard.computeIfAbsent(shard, k -> new double[2]);
    s[0] += value;
    s[1] += 1;
    return this;
  }

  /** Combines two summaries (Chan et al.'s parallel variance). */
  public NllSummary merge(NllSummary o) {
    if (o.n == 0) {
      return this;
    }
    if (n == 0) {
      n = o.n;
      mean = o.mean;
      m2 = o.m2;
    } else {
      long total = n + o.n;
      double delta = o.mean - mean;
      m2 += o.m2 + delta * delta * n * o.n / total;
      mean += delta * o.n / total;
      n = total;
    }
    nfeSum += o.nfeSum;
    o.perShard.forEach((k, v) -> {
      double[] s = perShard.computeIfAbsent(k, x -> new double[2]);
      s[0] += v[0];
      s[1] += v[1];
    });
    return this;
  }

  public long count() {
    return n;
  }

  public double mean() {
    return mean;
  }

  /** Sample standard deviation of the per-example values. */
  public double std() {
    return n > 1 ? Math.sqrt(m2 / (n - 1)) : Double.NaN;
  }

  /** Standard error of the mean over examples. */
  public double stderr() {
    return n > 1 ? std() / Math.sqrt(n) : Double.NaN;
  }

  /** The normal-approximation 95% interval [mean - 1.96 se, mean + 1.96 se]. */
  public double[] ci95() {
    double se = stderr();
    return new double[] {mean - 1.959964 * se, mean + 1.959964 * se};
  }

  public double nfeMean() {
    return n > 0 ? nfeSum / n : Double.NaN;
  }

  /** Mean value per shard, keyed by shard name. */
  public Map<String, Double> perShardMeans() {
    Map<String, Double> out = new TreeMap<>();
    perShard.forEach((k, v) -> out.put(k, v[0] / v[1]));
    return out;
  }
}
