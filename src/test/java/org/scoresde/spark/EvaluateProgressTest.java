package org.scoresde.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scoresde.likelihood.ProbabilityFlowLikelihood;
import org.scoresde.sde.VpSde;
import org.scoresde.testing.ToyMixture;

/**
 * Evaluate progress moves while the only task of a one-shard input runs (executors report running
 * tasks' accumulators with their heartbeats), and following it does not change any per-example value.
 */
class EvaluateProgressTest {
  private static final Pattern PROGRESS = Pattern.compile("^evaluate: (\\d+)/(\\d+) examples", Pattern.MULTILINE);

  @Test
  void progressAdvancesInsideOneTaskAndValuesStayTheSame(@TempDir Path dir) throws Exception {
    ToyMixture toy = ToyMixture.draw(3, 2, 31, 24, 8L);
    toy.writeModel(dir.resolve("gmm.json"));
    String shards = dir.resolve("shards").toString();
    SparkSessions.create("test", "local[1]").stop();
    System.setProperty("spark.executor.heartbeatInterval", "100ms");
    PrintStream old = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try {
      toy.shard(dir, "points", "local[1]", shards, 1);
      System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
      new EvaluateJob("local[1]", 5, Duration.ofMillis(50)).run(request(dir, shards, "followed"));
      System.setErr(old);
      String err = buf.toString(StandardCharsets.UTF_8);
      Matcher m = PROGRESS.matcher(err);
      long inside = 0;
      long last = 0;
      while (m.find()) {
        long k = Long.parseLong(m.group(1));
        assertEquals(24, Long.parseLong(m.group(2)));
        assertTrue(k >= last, "progress went back: " + err);
        if (k > last && k < 24) {
          inside++;
        }
        last = k;
      }
      assertTrue(inside >= 2, "progress advanced " + inside + " times before the task ended: " + err);

      new EvaluateJob("local[1]", 5).run(request(dir, shards, "plain"));
      assertEquals(perExample(dir.resolve("plain")), perExample(dir.resolve("followed")));
    } finally {
      System.setErr(old);
      System.clearProperty("spark.executor.heartbeatInterval");
      SparkSessions.create("test", "local[1]").stop();
    }
  }

  private static EvaluateJob.Request request(Path dir, String shards, String out) {
    return new EvaluateJob.Request("gmm:" + dir.resolve("gmm.json"), new VpSde(), shards, dir.resolve(out).toString(),
        null, "exact", 1, 1e-5, 1e-5, ProbabilityFlowLikelihood.DEFAULT_ETA, 1, 1, false);
  }

  private static List<String> perExample(Path out) {
    return SparkSessions.create("test", "local[1]").read().parquet(out.resolve("per_example").toString())
        .orderBy("index").collectAsList().stream().map(Row::toString).toList();
  }
}
