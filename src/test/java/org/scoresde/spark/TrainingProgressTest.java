package org.scoresde.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scoresde.train.TrainingProbe;
import org.scoresde.train.TrainingState;

/**
 * metrics.jsonl as a killed driver can leave it: it is replaced through a temporary file, and a
 * resumed run keeps the rounds up to its checkpoint even when the kill fell between removing the old
 * file and renaming the new one into place.
 */
class TrainingProgressTest {
  @TempDir Path dir;

  @Test
  void resumeKeepsTheRoundsOfAFileLeftUnrenamed() throws Exception {
    FileSystem fs = FileSystem.getLocal(new Configuration());
    org.apache.hadoop.fs.Path file = threeRounds(fs);
    assertFalse(Files.exists(dir.resolve(".metrics.jsonl.tmp")), "the temporary file was left behind");
    assertEquals(List.of(1L, 2L, 3L), rounds(dir.resolve("metrics.jsonl")));
    // the state a kill between delete and rename leaves: only the temporary file, whole
    fs.rename(file, new org.apache.hadoop.fs.Path(dir.resolve(".metrics.jsonl.tmp").toString()));

    TrainingProgress resumed = new TrainingProgress(fs, file, true, state(2), 4, 2, Double.POSITIVE_INFINITY);
    resumed.round(state(3), 0.3, 0.5, 64, 1e-3, NO_PROBE);
    resumed.round(state(4), 0.25, 0.5, 64, 1e-3, NO_PROBE);
    assertEquals(List.of(1L, 2L, 3L, 4L), rounds(dir.resolve("metrics.jsonl")));
    assertFalse(Files.exists(dir.resolve(".metrics.jsonl.tmp")));
  }

  @Test
  void resumeDropsALastLineCutShortByACrash() throws Exception {
    FileSystem fs = FileSystem.getLocal(new Configuration());
    org.apache.hadoop.fs.Path file = threeRounds(fs);
    String whole = Files.readString(dir.resolve("metrics.jsonl"));
    int cut = whole.lastIndexOf('\n', whole.length() - 2) + 20;
    Files.writeString(dir.resolve("metrics.jsonl"), whole.substring(0, cut));

    TrainingProgress resumed = new TrainingProgress(fs, file, true, state(3), 4, 2, Double.POSITIVE_INFINITY);
    resumed.round(state(4), 0.25, 0.5, 64, 1e-3, NO_PROBE);
    assertEquals(List.of(1L, 2L, 4L), rounds(dir.resolve("metrics.jsonl")));
  }

  /** A new run's metrics.jsonl after rounds 1 to 3. */
  private org.apache.hadoop.fs.Path threeRounds(FileSystem fs) throws Exception {
    org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(dir.resolve("metrics.jsonl").toString());
    TrainingProgress first = new TrainingProgress(fs, file, false, TrainingState.start(), 4, 2, Double.POSITIVE_INFINITY);
    for (int r = 1; r <= 3; r++) {
      first.round(state(r), 1.0 / r, 0.5, 64, 1e-3, NO_PROBE);
    }
    return file;
  }

  private static final TrainingProbe.Measurement NO_PROBE = new TrainingProbe.Measurement(List.of(), Double.NaN);

  private static TrainingState state(int rounds) {
    return new TrainingState(rounds / 4, rounds % 4, 64L * rounds, rounds, rounds, rounds);
  }

  private static List<Long> rounds(Path file) throws Exception {
    List<Long> out = new ArrayList<>();
    for (String l : Files.readAllLines(file)) {
      out.add(new ObjectMapper().readTree(l).get("round_index").asLong());
    }
    return out;
  }
}
