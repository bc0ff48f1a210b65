package org.scoresde.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.scoresde.config.UserError;

/**
 * The training history of a run, one {@link TrainingRound} per line of metrics.jsonl. A last line
 * cut short (the trainer was writing it) is dropped and reported in {@link #note()}; any other
 * malformed line is a {@link UserError} naming its line number.
 */
public record TrainingMetrics(List<TrainingRound> rounds, String note) {

  public TrainingMetrics {
    rounds = List.copyOf(rounds);
  }

  /** Parses the text of a metrics.jsonl file; {@code source} names it in error messages. */
  public static TrainingMetrics parse(String jsonl, String source) {
    String[] lines = jsonl.split("\r?\n");
    int last = lines.length - 1;
    while (last >= 0 && lines[last].isBlank()) {
      last--;
    }
    List<TrainingRound> rounds = new ArrayList<>();
    String note = null;
    for (int i = 0; i <= last; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      String where = source + " line " + (i + 1);
      try {
        rounds.add(round(Json.object(Json.parse(lines[i], where), where), rounds.size(), where));
      } catch (UserError e) {
        if (i != last || !looksTruncated(lines[i])) {
          throw e;
        }
        note = "the last line of " + source + " is incomplete (training still writing?) and was left out";
      }
    }
    return new TrainingMetrics(rounds, note);
  }

  private static boolean looksTruncated(String line) {
    return !line.strip().endsWith("}");
  }

  private static TrainingRound round(JsonNode o, int index, String where) {
    if (!o.has("loss")) {
      throw new UserError(where + " has no 'loss' field; each line of metrics.jsonl needs at least {\"loss\": ...}");
    }
    double loss = Json.number(o, "loss", where);
    List<TimeBinLoss> byT = new ArrayList<>();
    JsonNode bins = o.get("loss_by_t");
    if (bins != null && !bins.isNull()) {
      if (!bins.isArray()) {
        throw new UserError(where + ": 'loss_by_t' must be an array of {t_lo, t_hi, loss}");
      }
      for (JsonNode b : bins) {
        Json.object(b, where + " loss_by_t");
        byT.add(new TimeBinLoss(Json.number(b, "t_lo", where), Json.number(b, "t_hi", where), Json.number(b, "loss", where)));
      }
    }
    return new TrainingRound((int) Json.integer(o, "epoch", -1, where), (int) Json.integer(o, "round", index, where),
        Json.integer(o, "examples", -1, where), loss, byT, Json.number(o, "lr", where), Json.number(o, "seconds", where),
        Json.number(o, "examples_per_second", where), Json.number(o, "fp_penalty", where));
  }

  public boolean isEmpty() {
    return rounds.isEmpty();
  }

  public Optional<TrainingRound> last() {
    return rounds.isEmpty() ? Optional.empty() : Optional.of(rounds.get(rounds.size() - 1));
  }

  /** Wall-clock training time in seconds (the last round's clock), NaN when not recorded. */
  public double seconds() {
    return last().map(TrainingRound::seconds).orElse(Double.NaN);
  }

  /** Examples seen over the whole run, -1 when not recorded. */
  public long examples() {
    return last().map(TrainingRound::examples).orElse(-1L);
  }

  /**
   * Mean throughput over the run: examples seen divided by wall-clock seconds when both are known,
   * otherwise the mean of the rounds' own rates; NaN when neither is recorded.
   */
  public double examplesPerSecond() {
    double s = seconds();
    long n = examples();
    if (n > 0 && s > 0) {
      return n / s;
    }
    return rounds.stream().mapToDouble(TrainingRound::examplesPerSecond).filter(Double::isFinite).average().orElse(Double.NaN);
  }

  /** The rounds that recorded a loss by diffusion time, in order. */
  public List<TrainingRound> roundsWithLossByT() {
    return rounds.stream().filter(r -> !r.lossByT().isEmpty()).toList();
  }
}
