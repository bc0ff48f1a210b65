package org.scoresde.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.scoresde.cli.Main;

/** Train runs in tests: the {@code train} command with a test's fixed settings, and a run's metrics read back. */
public final class TrainRuns {
  private TrainRuns() {}

  /** Runs {@code train SETTINGS... ARGS...} and returns its exit code. */
  public static int train(String[] settings, String... args) {
    String[] full = new String[1 + settings.length + args.length];
    full[0] = "train";
    System.arraycopy(settings, 0, full, 1, settings.length);
    System.arraycopy(args, 0, full, 1 + settings.length, args.length);
    return Main.execute(full);
  }

  /** The rows of RUN/metrics.jsonl, one a round. */
  public static List<JsonNode> metrics(Path run) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> rows = new ArrayList<>();
    for (String l : Files.readAllLines(run.resolve("metrics.jsonl"))) {
      rows.add(json.readTree(l));
    }
    return rows;
  }
}
