package org.scoresde.evaluate;

import java.util.Map;
import java.util.TreeMap;

/**
 * The reduction of per-example values (bits/dim or nats/dim, each already averaged over its
 * dequantization draws) into a mean, its standard error and a 95% interval, overall and per class
 * label. Draws of one example are not independent of each other, so the standard error is taken
 * over examples. Mergeable, so partitions reduce in parallel and only the summaries reach the driver.
 */
public final class NllSummary implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private final Moments all = new Moments();
  private double nfeSum;
  private final TreeMap<String, double[]> perShard = new TreeMap<>();
  private final TreeMap<Integer, Moments> perLabel = new TreeMap<>();

  /** Adds one unlabelled example's value (mean over its draws), its mean NFE and the shard it came from. */
  public NllSummary add(double value, double nfe, String shard) {
    return add(value, nfe, shard, -1);
  }

  /** Adds one example; a negative label means none (it counts overall, not per label). */
  public NllSummary add(double value, double nfe, String shard, int label) {
    all.add(value);
    nfeSum += nfe;
    double[] s = perShard.computeIfAbsent(shard, k -> new double[2]);
    s[0] += value;
    s[1] += 1;
    if (label >= 0) {
      perLabel.computeIfAbsent(label, k -> new Moments()).add(value);
    }
    return this;
  }

  /** Combines two summaries (Chan et al.'s parallel variance). */
  public NllSummary merge(NllSummary o) {
    all.merge(o.all);
    nfeSum += o.nfeSum;
    o.perShard.forEach((k, v) -> {
      double[] s = perShard.computeIfAbsent(k, x -> new double[2]);
      s[0] += v[0];
      s[1] += v[1];
    });
    o.perLabel.forEach((k, v) -> perLabel.computeIfAbsent(k, x -> new Moments()).merge(v));
    return this;
  }

  public long count() {
    return all.count();
  }

  public double mean() {
    return all.mean();
  }

  /** Sample standard deviation of the per-example values. */
  public double std() {
    return all.std();
  }

  /** Standard error of the mean over examples. */
  public double stderr() {
    return all.stderr();
  }

  /** The normal-approximation 95% interval [mean - 1.96 se, mean + 1.96 se]. */
  public double[] ci95() {
    return all.ci95();
  }

  public double nfeMean() {
    return count() > 0 ? nfeSum / count() : Double.NaN;
  }

  /** Mean value per shard, keyed by shard name. */
  public Map<String, Double> perShardMeans() {
    Map<String, Double> out = new TreeMap<>();
    perShard.forEach((k, v) -> out.put(k, v[0] / v[1]));
    return out;
  }

  /** The statistics of each label's examples, by label (empty when the data has no labels). */
  public Map<Integer, Moments> perLabel() {
    return java.util.Collections.unmodifiableMap(perLabel);
  }
}
