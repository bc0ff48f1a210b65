package org.scoresde.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;

/**
 * One measured rate (items per second, GFLOP/s, ...) over several timed repeats: the median and the
 * min-max spread, so one noisy repeat on a shared machine does not decide the figure.
 */
public record Measurement(double median, double min, double max, int samples) {

  /** The median, min and max of the given per-repeat rates. */
  public static Measurement of(double... rates) {
    if (rates.length == 0) {
      throw new IllegalArgumentException("a measurement needs at least one repeat");
    }
    double[] s = rates.clone();
    Arrays.sort(s);
    int n = s.length;
    double median = n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    return new Measurement(median, s[0], s[n - 1], n);
  }

  /** A single value (a ratio or a count), as a measurement of one sample. */
  public static Measurement single(double value) {
    return new Measurement(value, value, value, 1);
  }

  /** This measurement with every figure multiplied by {@code factor} (e.g. images/s to GFLOP/s). */
  public Measurement times(double factor) {
    return new Measurement(median * factor, min * factor, max * factor, samples);
  }

  /** Fills {@code node} with median, min, max and samples. */
  public ObjectNode write(ObjectNode node) {
    node.put("median", median);
    node.put("min", min);
    node.put("max", max);
    node.put("samples", samples);
    return node;
  }

  /** Reads what {@link #write} wrote (and what the PyTorch peer prints). */
  public static Measurement read(com.fasterxml.jackson.databind.JsonNode node) {
    return new Measurement(node.get("median").asDouble(), node.get("min").asDouble(), node.get("max").asDouble(),
        node.get("samples").asInt());
  }
}
