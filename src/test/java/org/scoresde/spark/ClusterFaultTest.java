package org.scoresde.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.scoresde.cli.Main;
import org.scoresde.model.HadoopModelFiles;
import org.scoresde.testing.StandaloneCluster;
import org.scoresde.testing.ToyMixture;
import org.scoresde.testing.TrainRuns;

/**
 * Executor faults on a real standalone cluster (a master and two workers, every executor its own
 * JVM): one executor is killed by its PID in the middle of training and of evaluation, Spark retries
 * the lost tasks, the worker starts a new executor, and the outputs are complete and equal to those
 * of an undisturbed run on the same data and seed.
 */
class ClusterFaultTest {
  @TempDir static Path dir;
  static StandaloneCluster cluster;
  static SparkSession spark;
  static ExecutorKiller killer;
  static String shards;
  static Path undisturbed;
  static final Duration JOB_TIMEOUT = Duration.ofMinutes(5);
  static final String[] TRAIN = {"--set", "train.batch-size=32", "--set", "train.averaging-frequency=8",
      "--set", "train.workers=2", "--set", "train.warmup=10", "--set", "train.learning-rate=3e-3",
      "--set", "train.checkpoint-every=2", "--set", "net.base-channels=128", "--set", "net.residual-blocks=2",
      "--epochs", "2"};
  static final String[] EVALUATE = {"--batch-size", "4", "--rtol", "1e-2", "--atol", "1e-2", "--limit", "48"};

  @BeforeAll
  static void startClusterAndTrainUndisturbed() throws Exception {
    ToyMixture toy = ToyMixture.draw(3, 2, 2, 1024, 3L);
    SparkSessions.create("test", "local[1]").stop();
    cluster = StandaloneCluster.start(dir.resolve("cluster"), 2, 1, "1g");
    System.setProperty("spark.jars", cluster.applicationJar().toString());
    System.setProperty("spark.executor.memory", "768m");
    System.setProperty("spark.driver.host", "127.0.0.1");
    // running tasks report their accumulators every second, so a kill can wait for a task to be half done
    System.setProperty("spark.executor.heartbeatInterval", "1s");
    spark = SparkSessions.create("fault-test", cluster.masterUrl());
    killer = new ExecutorKiller(cluster, spark.sparkContext());
    shards = toy.shard(dir, "toy", cluster.masterUrl(), dir.resolve("shards").toString(), 2);
    undisturbed = dir.resolve("undisturbed");
    long t0 = System.nanoTime();
    assertEquals(0, train(undisturbed));
    System.err.printf("undisturbed train: %.1f s%n", (System.nanoTime() - t0) / 1e9);
  }

  @AfterAll
  static void stopCluster() {
    try {
      if (spark != null) {
        spark.stop();
      }
    } finally {
      System.clearProperty("spark.jars");
      System.clearProperty("spark.executor.memory");
      System.clearProperty("spark.driver.host");
      System.clearProperty("spark.executor.heartbeatInterval");
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  @Test
  void trainingSurvivesAnExecutorKilledMidRound() throws Exception {
    Path run = dir.resolve("disturbed-train");
    long t0 = System.nanoTime();
    // a task of a round's parameter-averaging job, after at least one round was logged
    ExecutorKiller.Outcome o = killer.run(() -> train(run),
        t -> t.stageName().startsWith("treeAggregate") && roundsLogged(run) >= 1, JOB_TIMEOUT);
    System.err.printf("disturbed train: %.1f s, %s%n", (System.nanoTime() - t0) / 1e9, o);
    assertEquals(0, o.exitCode(), "train failed after executor " + o.victim().executorId() + " was killed");
    assertTrue(o.lostTasks() >= 1, "killing executor " + o.victim().executorId() + " (pid " + o.killedPid()
        + ") lost no running task: " + o);
    assertFalse(ProcessHandle.of(o.killedPid()).map(ProcessHandle::isAlive).orElse(false), "the killed JVM still runs");
    assertFalse(killer.awaitExecutorAdded(o.killedAtMillis(), Duration.ofSeconds(90)).isEmpty(),
        "no executor replaced the killed one " + o.victim().executorId());

    for (String f : List.of("model.zip", "model.zip.sha256", "config.conf", "metrics.jsonl", "_SUCCESS")) {
      assertTrue(Files.exists(run.resolve(f)), f + " is missing");
    }
    List<JsonNode> expected = TrainRuns.metrics(undisturbed);
    List<JsonNode> actual = TrainRuns.metrics(run);
    assertEquals(expected.size(), actual.size(), "rounds logged");
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i).get("loss").asDouble(), actual.get(i).get("loss").asDouble(),
          1e-5 * Math.abs(expected.get(i).get("loss").asDouble()), "loss of round " + i);
    }
    // the retried partitions trained on the same batches from the same broadcast weights
    INDArray a = weights(undisturbed);
    INDArray b = weights(run);
    double diff = a.sub(b).norm2Number().doubleValue() / a.norm2Number().doubleValue();
    assertTrue(diff < 1e-5, "weights of the disturbed run differ by " + diff);
  }

  @Test
  void evaluationSurvivesAnExecutorKilledMidPartition() throws Exception {
    String model = undisturbed.resolve("model.zip").toString();
    Path plain = dir.resolve("eval-undisturbed");
    Path hit = dir.resolve("eval-disturbed");
    long t0 = System.nanoTime();
    assertEquals(0, evaluate(model, plain));
    System.err.printf("undisturbed evaluate: %.1f s%n", (System.nanoTime() - t0) / 1e9);
    t0 = System.nanoTime();
    // a task whose heartbeat reports some of its partition's ~24 examples integrated (one draw each), most still to do
    ExecutorKiller.Outcome o = killer.run(() -> evaluate(model, hit),
        t -> t.accumulator("draws") >= 4 && t.accumulator("draws") <= 12, JOB_TIMEOUT);
    System.err.printf("disturbed evaluate: %.1f s, %s%n", (System.nanoTime() - t0) / 1e9, o);
    assertEquals(0, o.exitCode(), "evaluate failed after executor " + o.victim().executorId() + " was killed");
    assertTrue(o.lostTasks() >= 1, "killing executor " + o.victim().executorId() + " lost no running task: " + o);
    assertFalse(killer.awaitExecutorAdded(o.killedAtMillis(), Duration.ofSeconds(90)).isEmpty(),
        "no executor replaced the killed one " + o.victim().executorId());

    assertTrue(Files.exists(hit.resolve("_SUCCESS")));
    JsonNode a = new ObjectMapper().readTree(Files.readString(plain.resolve("nll.json")));
    JsonNode b = new ObjectMapper().readTree(Files.readString(hit.resolve("nll.json")));
    assertEquals(48, b.get("n").asLong());
    assertEquals(a.get("per_shard").size(), b.get("per_shard").size());
    for (String k : List.of("nats_per_dim", "stderr", "std", "nfe_mean")) {
      assertEquals(a.get(k).asDouble(), b.get(k).asDouble(), 1e-12 * Math.abs(a.get(k).asDouble()) + 1e-15, k);
    }
    // the likelihood of an example depends only on its partition's rows and the seeds of their indices
    Map<Long, double[]> expected = perExample(plain);
    Map<Long, double[]> actual = perExample(hit);
    assertEquals(48, expected.size());
    assertEquals(expected.keySet(), actual.keySet());
    for (Map.Entry<Long, double[]> e : expected.entrySet()) {
      assertEquals(e.getValue()[0], actual.get(e.getKey())[0], "value of example " + e.getKey());
      assertEquals(e.getValue()[1], actual.get(e.getKey())[1], "nfe of example " + e.getKey());
    }
  }

  /** index -> (value, nfe), failing when an index occurs twice. */
  private static Map<Long, double[]> perExample(Path eval) {
    List<Row> rows = spark.read().parquet(eval.resolve("per_example").toString()).collectAsList();
    Map<Long, double[]> out = new HashMap<>();
    for (Row r : rows) {
      long index = r.getLong(r.fieldIndex("index"));
      double[] prev = out.put(index, new double[] {r.getDouble(r.fieldIndex("value")), r.getDouble(r.fieldIndex("nfe"))});
      assertEquals(null, prev, "example " + index + " appears twice in " + eval);
    }
    assertEquals(rows.size(), out.size());
    return out;
  }

  private static int train(Path out) {
    String[] head = {"train", "--master", cluster.masterUrl(), "--data", shards, "--out", out.toString()};
    String[] full = new String[head.length + TRAIN.length];
    System.arraycopy(head, 0, full, 0, head.length);
    System.arraycopy(TRAIN, 0, full, head.length, TRAIN.length);
    return Main.execute(full);
  }

  private static int evaluate(String model, Path out) {
    String[] head = {"evaluate", "--master", cluster.masterUrl(), "--model", model, "--data", shards, "--out",
        out.toString()};
    String[] full = new String[head.length + EVALUATE.length];
    System.arraycopy(head, 0, full, 0, head.length);
    System.arraycopy(EVALUATE, 0, full, head.length, EVALUATE.length);
    return Main.execute(full);
  }

  private static long roundsLogged(Path run) {
    try {
      return Files.readAllLines(run.resolve("metrics.jsonl")).stream().filter(l -> !l.isBlank()).count();
    } catch (IOException e) {
      return 0;
    }
  }

  private static INDArray weights(Path run) throws IOException {
    var fs = org.apache.hadoop.fs.FileSystem.getLocal(new Configuration());
    return HadoopModelFiles.open(HadoopModelFiles.read(fs, new org.apache.hadoop.fs.Path(run.resolve("model.zip").toString())),
        run.getFileName().toString()).graph().params();
  }
}
