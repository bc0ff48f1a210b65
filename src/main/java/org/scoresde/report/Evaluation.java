package org.scoresde.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.scoresde.config.UserError;

/**
 * What {@code evaluate} wrote to nll.json: the negative log-likelihood per dimension (bits/dim for
 * images, nats/dim for vectors), its standard error and 95% interval, the number of examples, the
 * mean number of score evaluations, how the probability-flow ODE was solved, and the least and most
 * likely examples (highest and lowest values first).
 */
public record Evaluation(double bitsPerDim, double natsPerDim, double stderr, double ciLo, double ciHi, long n,
    double nfeMean, Map<String, Double> perShard, Map<Integer, LabelValue> perLabel, String solver, double rtol,
    double atol, String traceEstimator, long dequantRepeats, double seconds, String unit, List<Ranked> leastLikely,
    List<Ranked> mostLikely) {

  /** One class label's mean value, its 95% interval and its number of examples. */
  public record LabelValue(double mean, double ciLo, double ciHi, long n) {}

  /** An example at one end of the likelihood ranking: its index, label and class name when known, and value. */
  public record Ranked(long index, OptionalInt label, Optional<String> className, double value) {}

  public Evaluation {
    leastLikely = List.copyOf(leastLikely);
    mostLikely = List.copyOf(mostLikely);
    perShard = Map.copyOf(perShard);
    perLabel = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(perLabel));
  }

  /** Parses nll.json's text; {@code source} names it in error messages. */
  public static Evaluation parse(String text, String source) {
    JsonNode o = Json.object(Json.parse(text, source), source);
    double bpd = Json.number(o, "bits_per_dim", source);
    double npd = Json.number(o, "nats_per_dim", source);
    if (Double.isNaN(bpd) && Double.isNaN(npd)) {
      throw new UserError(source + " has neither 'bits_per_dim' nor 'nats_per_dim'; is it the nll.json that evaluate wrote?");
    }
    double[] ci = interval(o, source);
    Map<String, Double> shards = new LinkedHashMap<>();
    JsonNode ps = o.get("per_shard");
    if (ps != null && ps.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = ps.fields(); it.hasNext();) {
        Map.Entry<String, JsonNode> e = it.next();
        shards.put(e.getKey(), Json.number(ps, e.getKey(), source + " per_shard"));
      }
    }
    Map<Integer, LabelValue> labels = new LinkedHashMap<>();
    JsonNode pl = o.get("per_label");
    if (pl != null && pl.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = pl.fields(); it.hasNext();) {
        Map.Entry<String, JsonNode> e = it.next();
        String where = source + " per_label " + e.getKey();
        int label;
        try {
          label = Integer.parseInt(e.getKey());
        } catch (NumberFormatException x) {
          throw new UserError(where + ": a label must be an integer");
        }
        JsonNode l = Json.object(e.getValue(), where);
        double[] interval = interval(l, where);
        labels.put(label, new LabelValue(Json.number(l, "mean", where), interval[0], interval[1], Json.integer(l, "n", -1, where)));
      }
    }
    String unit = Json.text(o, "unit");
    boolean bits = unit == null ? !Double.isNaN(bpd) : unit.startsWith("bits");
    if (bits && Double.isNaN(bpd)) {
      bits = false;
    } else if (!bits && Double.isNaN(npd)) {
      bits = true;
    }
    unit = bits ? "bits/dim" : "nats/dim";
    return new Evaluation(bpd, npd, Json.number(o, "stderr", source), ci[0], ci[1], Json.integer(o, "n", -1, source),
        Json.number(o, "nfe_mean", source), shards, labels, Json.text(o, "solver"), Json.number(o, "rtol", source),
        Json.number(o, "atol", source), Json.text(o, "trace_estimator"), Json.integer(o, "dequant_repeats", -1, source),
        Json.number(o, "seconds", source), unit, ranked(o, "least_likely", source), ranked(o, "most_likely", source));
  }

  /** nll.json's list {@code field} of ranked examples; empty when absent (older evaluations). */
  private static List<Ranked> ranked(JsonNode o, String field, String source) {
    JsonNode a = o.get(field);
    if (a == null || a.isNull()) {
      return List.of();
    }
    String where = source + " " + field;
    if (!a.isArray()) {
      throw new UserError(where + " must be a list of {index, label, value}");
    }
    List<Ranked> out = new ArrayList<>();
    for (JsonNode e : a) {
      JsonNode item = Json.object(e, where);
      long index = Json.integer(item, "index", -1, where);
      if (index < 0) {
        throw new UserError(where + ": every example needs an 'index'");
      }
      long label = Json.integer(item, "label", Long.MIN_VALUE, where);
      out.add(new Ranked(index, label == Long.MIN_VALUE ? OptionalInt.empty() : OptionalInt.of((int) label),
          Optional.ofNullable(Json.text(item, "class")), Json.number(item, "value", where)));
    }
    return out;
  }

  /** The object's 'ci95' as {lo, hi}, NaN when absent; anything but a pair is refused. */
  private static double[] interval(JsonNode o, String source) {
    JsonNode ci = o.get("ci95");
    if (ci == null || ci.isNull()) {
      return new double[] {Double.NaN, Double.NaN};
    }
    if (!ci.isArray() || ci.size() != 2) {
      throw new UserError(source + ": 'ci95' must be [lo, hi], found " + ci);
    }
    return new double[] {ci.get(0).asDouble(Double.NaN), ci.get(1).asDouble(Double.NaN)};
  }

  /** The headline value in {@link #unit()}: bits/dim when reported, else nats/dim. */
  public double value() {
    return unit.equals("bits/dim") ? bitsPerDim : natsPerDim;
  }
}
