package org.scoresde.train;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.scoresde.config.UserError;

/**
 * What {@code train --resume} may change against the settings the run recorded: the optimizer's
 * schedule and the run's bookkeeping (learning rate, warm-up, whether workers carry the iteration count,
 * epochs, checkpoint and probe cadence, EMA decay, data loading, divergence guard), not what defines the model and its objective (seed, SDE, network, batch,
 * averaging, weighting, time sampler, gradient clipping, FP regularizer).
 */
public final class ResumeSettings {
  /** The keys a resume applies when they differ. */
  public static final Set<String> MAY_CHANGE = Set.of("train.learning-rate", "train.warmup", "train.epochs",
      "train.checkpoint-every", "train.checkpoint-keep", "train.probe-every", "train.prefetch", "train.approach",
      "train.export-dir", "train.ema-decay", "train.divergence-factor", "train.carry-iteration-count");
  private static final List<String> GOVERNED = List.of("seed", "sde", "net", "train");
  /** Recorded for provenance and carried over by the resume itself. */
  private static final Set<String> CARRIED = Set.of("train.init");
  /** Keys added after runs were recorded, with the value that does what those runs did. */
  private static final Map<String, String> ADDED = Map.of("net.preconditioning", "none");

  private ResumeSettings() {}

  /** A setting that differs: its key, the run's recorded value and the value now asked for. */
  public record Change(String key, String recorded, String now) {
    @Override
    public String toString() {
      return key + " " + recorded + " -> " + now;
    }
  }

  /**
   * The changes of this resume, all of which it may make; refuses with one error naming every
   * change it may not make.
   */
  public static List<Change> check(Config recorded, Config now) {
    List<Change> all = differences(recorded, now);
    List<Change> refused = all.stream().filter(c -> !MAY_CHANGE.contains(c.key())).toList();
    if (!refused.isEmpty()) {
      throw new UserError("--resume cannot change " + String.join(", ", refused.stream().map(Change::toString).toList())
          + ": they define the model or its objective; resume with the run's values or start a new run (a resume may change "
          + String.join(", ", MAY_CHANGE.stream().sorted().toList()) + ")");
    }
    return all;
  }

  static List<Change> differences(Config recorded, Config now) {
    Map<String, String[]> values = new TreeMap<>();
    collect(recorded, values, 0);
    collect(now, values, 1);
    List<Change> out = new ArrayList<>();
    values.forEach((key, v) -> {
      boolean added = v[0] == null && v[1] != null && v[1].equals(ADDED.get(key));
      if (!CARRIED.contains(key) && !added && !same(v[0], v[1])) {
        out.add(new Change(key, v[0] == null ? "(unset)" : v[0], v[1] == null ? "(unset)" : v[1]));
      }
    });
    return out;
  }

  private static void collect(Config c, Map<String, String[]> values, int side) {
    for (String root : GOVERNED) {
      if (!c.hasPath(root)) {
        continue;
      }
      for (Map.Entry<String, ConfigValue> e : c.withOnlyPath(root).entrySet()) {
        values.computeIfAbsent(e.getKey(), k -> new String[2])[side] = String.valueOf(e.getValue().unwrapped());
      }
    }
  }

  private static boolean same(String a, String b) {
    if (Objects.equals(a, b)) {
      return true;
    }
    if (a == null || b == null) {
      return false;
    }
    try {
      return Double.parseDouble(a) == Double.parseDouble(b);
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
