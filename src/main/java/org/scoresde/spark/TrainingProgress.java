package org.scoresde.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.scoresde.io.TextFile;
import org.scoresde.train.TrainingProbe;
import org.scoresde.train.TrainingState;

/**
 * Reports a training run as it goes: one JSON object per averaging round in metrics.jsonl
 * (rewritten whole each round, so it works on filesystems without append, through a temporary file
 * renamed into place, so a driver killed mid-write leaves a whole file to resume from) and one
 * console line with the loss, throughput and the ETA of the epoch or time budget. Lines carry
 * {@code loss_by_t} (an array of {t_lo, t_hi, loss}, as report.TrainingMetrics reads it) and
 * {@code fp_penalty} (the mean Fokker-Planck penalty of the probe batch) when the run measures them.
 */
final class TrainingProgress {
  private final ObjectMapper json = new ObjectMapper();
  private final FileSystem fs;
  private final Path file;
  private final Path tmp;
  private final List<String> lines = new ArrayList<>();
  private final int roundsPerEpoch;
  private final int epochs;
  private final double budgetSeconds;
  private final long startRounds;
  private final double startSeconds;

  TrainingProgress(FileSystem fs, Path file, boolean resumed, TrainingState start, int roundsPerEpoch, int epochs,
      double budgetSeconds) throws IOException {
    this.fs = fs;
    this.file = file;
    this.tmp = new Path(file.getParent(), "." + file.getName() + ".tmp");
    this.roundsPerEpoch = roundsPerEpoch;
    this.epochs = epochs;
    this.budgetSeconds = budgetSeconds;
    this.startRounds = start.rounds();
    this.startSeconds = start.seconds();
    // a kill between deleting the old file and renaming the new one leaves only the (whole) new one
    Path previous = fs.exists(file) ? file : tmp;
    if (resumed && fs.exists(previous)) {
      int damaged = 0;
      for (String l : new String(readTolerant(fs, previous), StandardCharsets.UTF_8).split("\n")) {
        if (l.isBlank()) {
          continue;
        }
        JsonNode row;
        try {
          row = json.readTree(l);
        } catch (JsonProcessingException e) {
          damaged++; // a line cut short by a crash on a filesystem without atomic rename
          continue;
        }
        if (row.path("round_index").isNumber() && row.get("round_index").asLong() <= start.rounds()) {
          lines.add(l);
        }
      }
      if (damaged > 0) {
        System.err.printf("train: warning: dropped %d damaged line(s) of %s (a write cut short: those rounds keep no metrics row)%n",
            damaged, previous.getName());
      }
    }
  }

  /**
   * The file's bytes; when its filesystem checksum fails (a write cut short by a crash leaves data
   * and checksum out of step), the raw bytes, whose damaged lines the caller drops.
   */
  private static byte[] readTolerant(FileSystem fs, Path file) throws IOException {
    try (InputStream in = fs.open(file)) {
      return in.readAllBytes();
    } catch (ChecksumException e) {
      if (!(fs instanceof ChecksumFileSystem cfs)) {
        throw e;
      }
      try (InputStream in = cfs.getRawFileSystem().open(file)) {
        return in.readAllBytes();
      }
    }
  }

  void round(TrainingState s, double loss, double roundSeconds, long roundExamples, double lr,
      TrainingProbe.Measurement probe) throws IOException {
    ObjectNode o = json.createObjectNode();
    o.put("epoch", s.round() == 0 ? s.epoch() - 1 : s.epoch());
    o.put("round", s.round() == 0 ? roundsPerEpoch - 1 : s.round() - 1);
    o.put("round_index", s.rounds());
    o.put("examples", s.examples());
    o.put("loss", loss);
    o.put("lr", lr);
    o.put("seconds", s.seconds());
    o.put("round_seconds", roundSeconds);
    o.put("examples_per_second", roundExamples / roundSeconds);
    if (!probe.lossByT().isEmpty()) {
      ArrayNode bins = o.putArray("loss_by_t");
      for (TrainingProbe.Bin b : probe.lossByT()) {
        bins.addObject().put("t_lo", b.tLo()).put("t_hi", b.tHi()).put("loss", b.loss());
      }
    }
    if (Double.isFinite(probe.fpPenalty())) {
      o.put("fp_penalty", probe.fpPenalty());
    }
    lines.add(o.toString());
    TextFile.write(fs, tmp, String.join("\n", lines) + "\n");
    fs.delete(file, false);
    if (!fs.rename(tmp, file)) {
      throw new IOException("cannot rename " + tmp + " to " + file);
    }
    double perRound = (s.seconds() - startSeconds) / Math.max(1, s.rounds() - startRounds);
    double eta;
    if (Double.isFinite(budgetSeconds)) {
      eta = Math.max(0, budgetSeconds - s.seconds());
    } else {
      long left = (long) epochs * roundsPerEpoch - ((long) s.epoch() * roundsPerEpoch + s.round());
      eta = left * perRound;
    }
    System.err.printf("train: epoch %d round %d/%d loss %.4f%s  %.0f examples/s  %s elapsed  ETA %s%n",
        o.get("epoch").asInt(), o.get("round").asInt() + 1, roundsPerEpoch, loss,
        Double.isFinite(probe.fpPenalty()) ? String.format("  fp penalty %.4g", probe.fpPenalty()) : "",
        roundExamples / roundSeconds, duration(s.seconds()), duration(eta));
  }

  void finish(TrainingState s) {
    System.out.printf("train: %d rounds, %d examples, %s; model at %s%n", s.rounds(), s.examples(),
        duration(s.seconds()), new Path(file.getParent(), "model.zip"));
  }

  static String duration(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format("%dh%02dm", s / 3600, (s % 3600) / 60)
        : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
  }
}
