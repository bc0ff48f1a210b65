package org.scoresde.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.scoresde.model.HadoopModelFiles;
import org.scoresde.testing.StopsSpark;
import org.scoresde.testing.ToyMixture;
import org.scoresde.testing.TrainRuns;

/**
 * {@code train --init}: a run started from a trained model begins at that model's loss (far below a
 * fresh network's) with a fresh warm-up, records where it started, and is refused for a model of
 * another architecture, together with --resume, or for a file that is not a model.
 */
@ExtendWith(StopsSpark.class)
class TrainInitTest {
  @TempDir static Path dir;
  static String shards;
  static Path base;
  static final String[] SMALL = {"--master", "local[2]", "--set", "train.batch-size=32", "--set", "train.averaging-frequency=2",
      "--set", "train.workers=2", "--set", "train.learning-rate=3e-3", "--set", "train.checkpoint-every=100",
      "--set", "train.probe-examples=64", "--set", "net.base-channels=32", "--set", "net.residual-blocks=1",
      // plain noise prediction: a fresh network's loss is then far above a trained one's, which is how the
      // first test sees where a run started (the skip connection puts a fresh network's loss near it)
      "--set", "net.preconditioning=none"};

  @BeforeAll
  static void trainBase() throws Exception {
    shards = ToyMixture.draw(3, 2, 5, 512, 6L).shard(dir, "toy", "local[2]", dir.resolve("shards").toString(), 2);
    base = dir.resolve("base");
    // EMA off, so that model.zip holds the final weights whose probe loss the last round logged
    assertEquals(0, train("--data", shards, "--out", base.toString(), "--epochs", "4", "--set", "train.warmup=10",
        "--set", "train.ema-decay=0"));
  }

  @Test
  void startsAtTheModelsLossWithAFreshWarmup() throws Exception {
    Path fresh = dir.resolve("fresh");
    Path tuned = dir.resolve("tuned");
    // a long warm-up: the first round's steps barely move the weights, so its probe shows where training started
    String[] slow = {"--epochs", "1", "--set", "train.warmup=1000"};
    assertEquals(0, train(concat(new String[] {"--data", shards, "--out", fresh.toString()}, slow)));
    assertEquals(0, train(concat(new String[] {"--data", shards, "--out", tuned.toString(), "--init",
        base.resolve("model.zip").toString()}, slow)));
    JsonNode baseLast = lastLine(base);
    JsonNode freshFirst = firstLine(fresh);
    JsonNode tunedFirst = firstLine(tuned);
    double b = probeLoss(baseLast);
    double f = probeLoss(freshFirst);
    double t = probeLoss(tunedFirst);
    assertTrue(Math.abs(t - b) < 0.1 * b, "fine-tune starts at " + t + ", the model ended at " + b);
    assertTrue(t < 0.6 * f, "fine-tune starts at " + t + ", a fresh network at " + f);
    // iteration count 0: the same learning rate as a fresh run's first round
    assertEquals(freshFirst.get("lr").asDouble(), tunedFirst.get("lr").asDouble(), 1e-12);
    String init = base.resolve("model.zip").toString();
    assertTrue(Files.readString(tuned.resolve("config.conf")).contains(init));
    var model = HadoopModelFiles.open(HadoopModelFiles.read(org.apache.hadoop.fs.FileSystem.getLocal(new Configuration()),
        new org.apache.hadoop.fs.Path(tuned.resolve("model.zip").toString())), "tuned");
    assertTrue(model.metadata().trainingConfig().contains(init), model.metadata().trainingConfig());
  }

  @Test
  void anotherArchitectureIsRefused() throws Exception {
    Path out = dir.resolve("wider");
    String err = failing("--data", shards, "--out", out.toString(), "--epochs", "1",
        "--init", base.resolve("model.zip").toString(), "--set", "net.base-channels=48");
    assertTrue(err.contains("does not match") && err.contains("baseChannels 32 vs 48"), err);
    assertFalse(Files.exists(out));
  }

  @Test
  void initWithResumeIsRefused() throws Exception {
    String err = failing("--data", shards, "--out", base.toString(), "--epochs", "5", "--resume",
        "--init", base.resolve("model.zip").toString());
    assertTrue(err.contains("--init and --resume"), err);
  }

  @Test
  void aFileThatIsNoModelIsRefused() throws Exception {
    Path out = dir.resolve("nomodel");
    String err = failing("--data", shards, "--out", out.toString(), "--epochs", "1",
        "--init", base.resolve("config.conf").toString());
    assertTrue(err.contains("not a score-sde model"), err);
    assertFalse(Files.exists(out));
  }

  private static String failing(String... args) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream old = System.err;
    int rc;
    try {
      System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
      rc = train(args);
    } finally {
      System.setErr(old);
    }
    String err = buf.toString(StandardCharsets.UTF_8);
    assertEquals(2, rc, err);
    assertEquals(1, err.lines().filter(l -> l.startsWith("error: ")).count(), err);
    return err;
  }

  private static double probeLoss(JsonNode line) {
    double sum = 0;
    for (JsonNode bin : line.get("loss_by_t")) {
      sum += bin.get("loss").asDouble();
    }
    return sum / line.get("loss_by_t").size();
  }

  private static JsonNode firstLine(Path run) throws Exception {
    return TrainRuns.metrics(run).get(0);
  }

  private static JsonNode lastLine(Path run) throws Exception {
    List<JsonNode> rows = TrainRuns.metrics(run);
    return rows.get(rows.size() - 1);
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = new String[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static int train(String... args) {
    return TrainRuns.train(SMALL, args);
  }
}
