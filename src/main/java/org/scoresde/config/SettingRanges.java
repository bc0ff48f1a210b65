package org.scoresde.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import java.util.List;

/**
 * The allowed range of every numeric setting, checked when the settings are loaded so that a bad
 * value is one error naming the key, the value and the range, before any job starts.
 */
final class SettingRanges {
  /** A key's range: whole numbers or not, and its bounds, each inclusive or exclusive. */
  record Range(String key, boolean integer, double min, boolean minInclusive, double max, boolean maxInclusive) {
    boolean contains(double v) {
      return (minInclusive ? v >= min : v > min) && (maxInclusive ? v <= max : v < max);
    }

    String describe() {
      String kind = integer ? "an integer" : "a number";
      String low = Double.isInfinite(min) ? "" : (minInclusive ? ">= " : "> ") + number(min);
      String high = Double.isInfinite(max) ? "" : (maxInclusive ? "<= " : "< ") + number(max);
      return kind + (low.isEmpty() && high.isEmpty() ? "" : " " + low + (low.isEmpty() || high.isEmpty() ? "" : " and ") + high);
    }

    private static String number(double v) {
      return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
    }
  }

  private static final double INF = Double.POSITIVE_INFINITY;

  private static Range atLeast(String key, long min) {
    return new Range(key, true, min, true, INF, false);
  }

  private static Range positive(String key) {
    return new Range(key, false, 0, false, INF, false);
  }

  private static Range nonNegative(String key) {
    return new Range(key, false, 0, true, INF, false);
  }

  private static Range unit(String key, boolean maxInclusive) {
    return new Range(key, false, 0, true, 1, maxInclusive);
  }

  static final List<Range> RANGES = List.of(
      new Range("seed", true, Double.NEGATIVE_INFINITY, true, INF, false),
      nonNegative("sde.beta-min"), positive("sde.beta-max"), positive("sde.sigma-min"), positive("sde.sigma-max"),
      atLeast("shard.shards", 0), atLeast("shard.target-shard-bytes", 1), atLeast("shard.split-bytes", 1),
      nonNegative("shard.progress-seconds"),
      atLeast("net.base-channels", 0), atLeast("net.residual-blocks", 0), unit("net.dropout", false),
      atLeast("train.epochs", 1), atLeast("train.batch-size", 1), atLeast("train.averaging-frequency", 1),
      atLeast("train.workers", 0), atLeast("train.prefetch", 0), positive("train.learning-rate"), atLeast("train.warmup", 0),
      nonNegative("train.grad-clip"), nonNegative("train.divergence-factor"), unit("train.ema-decay", false), new Range("train.eta", false, 0, false, 1, false),
      atLeast("train.checkpoint-every", 1), atLeast("train.checkpoint-keep", 1), atLeast("train.probe-examples", 0),
      atLeast("train.loss-by-t-bins", 1), atLeast("train.probe-every", 1),
      nonNegative("train.fp.alpha"), nonNegative("train.fp.scalar-weight"), atLeast("train.fp.probes", 1),
      positive("train.fp.step"), nonNegative("train.fp.t-min"),
      atLeast("evaluate.probes", 1), positive("evaluate.rtol"), positive("evaluate.atol"),
      new Range("evaluate.eta", false, 0, false, 1, false), atLeast("evaluate.dequant-repeats", 1), atLeast("evaluate.batch-size", 1),
      atLeast("sample.n", 1), atLeast("sample.steps", 1), new Range("sample.eps", false, 0, false, 1, false),
      nonNegative("sample.snr"), atLeast("sample.corrector-steps", 0), new Range("sample.dpm-order", true, 1, true, 3, true),
      unit("sample.ddim-eta", true), positive("sample.ode-tolerance"), atLeast("sample.gits-teacher-steps", 2),
      atLeast("sample.batch-size", 1), atLeast("sample.encode-limit", 1), atLeast("sample.encode-steps", 1),
      atLeast("sample.frames", 2),
      positive("demo.train-minutes"), atLeast("demo.evaluate-examples", 1), atLeast("demo.evaluate-dequant-repeats", 1),
      positive("demo.evaluate-tolerance"), atLeast("demo.samples", 1));

  private SettingRanges() {}

  /** Refuses the first setting outside its range, or not a number where one is needed. */
  static void check(Config config) {
    for (Range r : RANGES) {
      if (!config.hasPath(r.key())) {
        continue;
      }
      ConfigValue value = config.getValue(r.key());
      Object raw = value.unwrapped();
      String shown = raw instanceof String s ? s : value.render();
      double v;
      if (raw instanceof Number n) {
        v = n.doubleValue();
      } else {
        try {
          v = Double.parseDouble(shown.trim());
        } catch (NumberFormatException e) {
          throw new UserError(r.key() + " = " + shown + " is not a number: it must be " + r.describe());
        }
      }
      if (r.integer() && v != Math.rint(v)) {
        throw new UserError(r.key() + " = " + shown + " is not a whole number: it must be " + r.describe());
      }
      if (!r.contains(v)) {
        throw new UserError(r.key() + " = " + shown + " is out of range: it must be " + r.describe());
      }
    }
  }
}
