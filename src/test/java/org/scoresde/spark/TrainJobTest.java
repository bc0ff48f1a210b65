package org.scoresde.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import org.nd4j.linalg.api.ndarray.INDArray;
import org.scoresde.cli.Main;
import org.scoresde.model.HadoopModelFiles;
import org.scoresde.testing.StopsSpark;
import org.scoresde.testing.ToyMixture;
import org.scoresde.testing.TrainRuns;
import org.scoresde.train.ResumeSettings;

/**
 * The train job on local[2] with 2-D vector data (the residual MLP): the loss falls, a run
 * interrupted and resumed reaches the same weights as an uninterrupted one, and a diverging run
 * stops with one error line and no model file.
 */
@ExtendWith(StopsSpark.class)
class TrainJobTest {
  @TempDir static Path dir;
  static String shards;
  static final String[] SMALL = {"--master", "local[2]", "--set", "train.batch-size=32", "--set", "train.averaging-frequency=2",
      "--set", "train.workers=2", "--set", "train.warmup=10", "--set", "train.learning-rate=3e-3",
      "--set", "train.checkpoint-every=2", "--set", "net.base-channels=64", "--set", "net.residual-blocks=2"};

  @BeforeAll
  static void shardToyData() throws Exception {
    shards = ToyMixture.draw(3, 2, 2, 1024, 3L).shard(dir, "toy", "local[2]", dir.resolve("shards").toString(), 2);
  }

  @Test
  void lossFallsAndTheModelFileIsComplete() throws Exception {
    Path out = dir.resolve("run");
    assertEquals(0, train("--data", shards, "--out", out.toString(), "--epochs", "6"));
    List<JsonNode> rounds = metrics(out);
    assertEquals(6 * 8, rounds.size());
    double first = mean(rounds.subList(0, 6));
    double last = mean(rounds.subList(rounds.size() - 6, rounds.size()));
    // DSM loss of noise prediction starts near D = 2 (untrained eps_theta ~ 0) and must clearly drop
    assertTrue(last < 0.8 * first, "loss did not fall: first " + first + ", last " + last);
    for (String f : List.of("model.zip", "model.zip.sha256", "config.conf", "metrics.jsonl", "_SUCCESS")) {
      assertTrue(Files.exists(out.resolve(f)), f);
    }
    var model = HadoopModelFiles.open(HadoopModelFiles.read(
        org.apache.hadoop.fs.FileSystem.getLocal(new Configuration()), new org.apache.hadoop.fs.Path(out.resolve("model.zip").toString())), "model");
    assertEquals("subvp", model.metadata().sdeName(), "the model carries the SDE it was trained with (the default)");
    assertTrue(model.metadata().network().vector());
    // every checkpoint carries the model file of its moment: the newest is the run's, an older one evaluates
    var fs = org.apache.hadoop.fs.FileSystem.getLocal(new Configuration());
    List<String> kept = checkpointNames(out);
    assertEquals(List.of("round-00000046", "round-00000048"), kept);
    INDArray newest = HadoopModelFiles.open(HadoopModelFiles.read(fs, new org.apache.hadoop.fs.Path(
        out.resolve("checkpoints").resolve(kept.get(1)).resolve("model.zip").toString())), "newest").graph().params();
    assertEquals(model.graph().params(), newest);
    Path older = out.resolve("checkpoints").resolve(kept.get(0)).resolve("model.zip");
    assertNotEquals(model.graph().params(), HadoopModelFiles.open(HadoopModelFiles.read(fs,
        new org.apache.hadoop.fs.Path(older.toString())), "older").graph().params());
    // evaluated where the report looks for a learning curve: beside the checkpoint's model file
    assertEquals(0, Main.execute("evaluate", "--master", "local[2]", "--model", older.toString(), "--data", shards,
        "--out", older.resolveSibling("eval").toString(), "--limit", "8", "--rtol", "1e-3", "--atol", "1e-3"));
    assertTrue(Files.exists(older.resolveSibling("eval").resolve("nll.json")));
  }

  @Test
  void resumedRunReachesTheSameWeights() throws Exception {
    Path whole = dir.resolve("whole");
    Path parts = dir.resolve("parts");
    assertEquals(0, train("--data", shards, "--out", whole.toString(), "--epochs", "2"));
    assertEquals(0, train("--data", shards, "--out", parts.toString(), "--epochs", "1"));
    assertEquals(0, train("--data", shards, "--out", parts.toString(), "--epochs", "2", "--resume"));
    var fs = org.apache.hadoop.fs.FileSystem.getLocal(new Configuration());
    INDArray a = HadoopModelFiles.open(HadoopModelFiles.read(fs, new org.apache.hadoop.fs.Path(whole.resolve("model.zip").toString())), "a").graph().params();
    INDArray b = HadoopModelFiles.open(HadoopModelFiles.read(fs, new org.apache.hadoop.fs.Path(parts.resolve("model.zip").toString())), "b").graph().params();
    // same seeds, same data per round and partition, same optimizer state: identical up to float rounding
    double diff = a.sub(b).norm2Number().doubleValue() / a.norm2Number().doubleValue();
    assertTrue(diff < 1e-5, "resumed weights differ by " + diff);
    assertEquals(metrics(whole).size(), metrics(parts).size());
  }

  @Test
  void divergingRunStopsWithOneErrorAndKeepsItsCheckpoint() throws Exception {
    Path out = dir.resolve("nan");
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream old = System.err;
    int rc;
    try {
      System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
      // an absurd learning rate: the first Adam step moves every weight by ~1e30 and the float loss overflows
      rc = train("--data", shards, "--out", out.toString(), "--epochs", "3", "--set", "train.learning-rate=1e30",
          "--set", "train.warmup=0", "--set", "train.grad-clip=0");
    } finally {
      System.setErr(old);
    }
    String err = buf.toString(StandardCharsets.UTF_8);
    assertEquals(2, rc, err);
    assertEquals(1, err.lines().filter(l -> l.startsWith("error: ")).count(), err);
    assertTrue(err.contains("loss became"), err);
    assertTrue(err.contains("no checkpoint was written yet, so the run is removed: lower train.learning-rate or raise"
        + " train.warmup and start again"), err);
    assertFalse(Files.exists(out), "a run that failed before its first checkpoint was left behind");
  }

  @Test
  void aResumeAppliesTheScheduleItMayChangeAndCheckpointsSurviveALaterNaN() throws Exception {
    Path out = dir.resolve("later-nan");
    assertEquals(0, train("--data", shards, "--out", out.toString(), "--epochs", "1"));
    List<String> kept = checkpointNames(out);
    assertEquals(2, kept.size(), kept.toString());

    Result refused = trainCapturing("--data", shards, "--out", out.toString(), "--epochs", "2", "--resume",
        "--set", "net.base-channels=32", "--set", "train.weighting=likelihood");
    assertEquals(2, refused.exit(), refused.err());
    assertEquals(List.of("error: --resume cannot change net.base-channels 64 -> 32, train.weighting sigma2 -> likelihood: they"
        + " define the model or its objective; resume with the run's values or start a new run (a resume may change "
        + String.join(", ", ResumeSettings.MAY_CHANGE.stream().sorted().toList()) + ")"), refused.errors());

    // the resumed rounds really run at the new rate: Adam's steps of ~1e30 overflow the float loss
    Result nan = trainCapturing("--data", shards, "--out", out.toString(), "--epochs", "2", "--resume",
        "--set", "train.learning-rate=1e30", "--set", "train.warmup=0");
    assertEquals(2, nan.exit(), nan.err());
    assertTrue(nan.err().contains("train: this resume changes train.learning-rate 0.003 -> 1.0E30, train.warmup 10 -> 0"), nan.err());
    assertEquals(1, nan.errors().size(), nan.err());
    assertTrue(nan.errors().get(0).endsWith("later-nan/checkpoints/" + kept.get(1)
        + ": lower train.learning-rate or raise train.warmup, then --resume"), nan.err());
    assertEquals(kept, checkpointNames(out));

    assertEquals(0, train("--data", shards, "--out", out.toString(), "--epochs", "2", "--resume"));
    assertEquals(2 * 8, metrics(out).size(), "one row a round of two epochs, none from the attempt that diverged");
  }

  @Test
  void aLossGrowingByOrdersOfMagnitudeStopsTheRun() throws Exception {
    Path out = dir.resolve("diverging");
    // finite but absurd steps: the loss climbs to ~1e14 without overflowing, and must not ship as a model
    Result r = trainCapturing("--data", shards, "--out", out.toString(), "--epochs", "3", "--set", "train.learning-rate=1e9");
    assertEquals(2, r.exit(), r.err());
    assertEquals(1, r.errors().size(), r.err());
    assertTrue(r.errors().get(0).contains("(train.divergence-factor) times"), r.err());
    assertTrue(r.errors().get(0).contains("training diverged"), r.err());
    assertFalse(Files.exists(out.resolve("model.zip")));
    assertFalse(Files.exists(out.resolve("_SUCCESS")));
  }

  @Test
  void aDamagedNewestCheckpointFallsBackToTheOneBefore() throws Exception {
    Path out = dir.resolve("damaged");
    assertEquals(0, train("--data", shards, "--out", out.toString(), "--epochs", "1"));
    List<String> kept = checkpointNames(out);
    Path newest = out.resolve("checkpoints").resolve(kept.get(1)).resolve("network.zip");
    byte[] bytes = Files.readAllBytes(newest);
    bytes[bytes.length / 2] ^= 0x5a;
    Files.write(newest, bytes);
    Files.createDirectories(out.resolve("checkpoints/.round-00000099.tmp"));

    Result r = trainCapturing("--data", shards, "--out", out.toString(), "--epochs", "2", "--resume");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.err().contains("train: warning: passed over the damaged checkpoint "), r.err());
    assertTrue(r.err().contains(kept.get(1)), r.err());
    assertTrue(r.err().contains("train: resuming from ") && r.err().contains(kept.get(0) + " (epoch"), r.err());
    assertFalse(Files.exists(out.resolve("checkpoints/.round-00000099.tmp")));

    for (String name : checkpointNames(out)) {
      Path net = out.resolve("checkpoints").resolve(name).resolve("network.zip");
      byte[] b = Files.readAllBytes(net);
      b[b.length / 3] ^= 0x5a;
      Files.write(net, b);
    }
    Result none = trainCapturing("--data", shards, "--out", out.toString(), "--epochs", "3", "--resume");
    assertEquals(2, none.exit(), none.err());
    assertEquals(1, none.errors().size(), none.err());
    assertTrue(none.errors().get(0).startsWith("error: no intact checkpoint in "), none.err());
  }

  @Test
  void aSecondWriterOfOneRunIsRefused() throws Exception {
    Path out = dir.resolve("locked");
    assertEquals(0, train("--data", shards, "--out", out.toString(), "--epochs", "1"));
    try (var lock = org.scoresde.io.RunLock.acquire(org.apache.hadoop.fs.FileSystem.getLocal(new Configuration()),
        new org.apache.hadoop.fs.Path(out.toUri()), "train", org.scoresde.io.RunLock.STALE)) {
      Result resume = trainCapturing("--data", shards, "--out", out.toString(), "--epochs", "2", "--resume");
      assertEquals(2, resume.exit(), resume.err());
      assertTrue(resume.errors().get(0).contains(" is in use by train (process " + ProcessHandle.current().pid()), resume.err());
      Result over = trainCapturing("--data", shards, "--out", out.toString(), "--epochs", "1", "--overwrite");
      assertEquals(2, over.exit(), over.err());
      assertTrue(over.errors().get(0).contains("it cannot be replaced while it runs"), over.err());
      assertTrue(Files.exists(out.resolve("model.zip")));
    }
  }

  record Result(int exit, String err) {
    List<String> errors() {
      return err.lines().filter(l -> l.startsWith("error:")).toList();
    }
  }

  private static Result trainCapturing(String... args) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream old = System.err;
    try {
      System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
      int rc = train(args);
      return new Result(rc, buf.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(old);
    }
  }

  private static List<String> checkpointNames(Path run) throws Exception {
    try (var s = Files.list(run.resolve("checkpoints"))) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("round-")).sorted().toList();
    }
  }

  private static int train(String... args) {
    return TrainRuns.train(SMALL, args);
  }

  private static List<JsonNode> metrics(Path run) throws Exception {
    return TrainRuns.metrics(run);
  }

  private static double mean(List<JsonNode> rounds) {
    return rounds.stream().mapToDouble(r -> r.get("loss").asDouble()).average().orElseThrow();
  }
}
