package org.scoresde.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.scoresde.config.Settings;
import org.scoresde.data.InputRequest;
import org.scoresde.data.Manifest;
import org.scoresde.data.ShardFormat;
import org.scoresde.nn.ScoreNetworkConfig;
import org.scoresde.sde.Sde;
import org.scoresde.spark.ShardJob;
import org.scoresde.spark.ShardRequest;
import org.scoresde.spark.ShardResult;
import org.scoresde.spark.SparkSessions;
import org.scoresde.spark.TrainJob;
import org.scoresde.train.DenoisingScoreMatching;
import org.scoresde.train.NetworkSettings;
import org.scoresde.train.SdeSettings;
import org.scoresde.train.TrainSettings;
import org.scoresde.train.TrainingGraphs;

/**
 * Spark training throughput of the train job on Fashion-MNIST shards made on the fly: local[1]
 * (one worker), local[2] and a two-worker standalone cluster (two workers each), with the same
 * batch size and averaging frequency; and one worker's plain graph.fit over the same images and
 * iterations in this JVM, against which local[1] gives the cost of parameter averaging. Each figure
 * is the median over averaging rounds (groups of that many minibatches) after the first. A short
 * unmeasured local[1] run first compiles Spark's and DL4J's code paths, so that the first measured
 * run (local[1]) does not pay the JIT's warm-up that the later ones, the plain fit last, do not.
 */
final class SparkTrainBench {
  private static final double WARMUP_MINUTES = 0.25;

  private final Settings settings;
  private final BenchSettings bench;
  private final Path work;
  private final Consumer<String> log;

  SparkTrainBench(Settings settings, BenchSettings bench, Path work, Consumer<String> log) {
    this.settings = settings.with("train.averaging-frequency", bench.sparkAveragingFrequency())
        .with("train.batch-size", bench.batchSize())
        .with("train.checkpoint-every", 1_000_000);
    this.bench = bench;
    this.work = work;
    this.log = log;
  }

  /** What one run measured; the cluster figure is null when it was skipped or failed (see clusterNote). */
  record Figures(int images, int batch, int averagingFrequency, Measurement local1, Measurement local2,
      Measurement local2SparseAveraging, Measurement cluster, String clusterNote, Measurement singleJvm) {

    /** Extra time of parameter-averaged training on one worker over the plain fit: single / local[1] - 1. */
    double averagingOverhead() {
      return singleJvm.median() / local1.median() - 1;
    }
  }

  Figures run() throws IOException, InterruptedException {
    FashionMnistSubset subset = FashionMnistSubset.write(Path.of(bench.fashionMnist()), bench.sparkImages(),
        work.resolve("fashion-mnist"));
    String data = work.resolve("shards").toString();
    log.accept("sharding " + subset.count() + " Fashion-MNIST images");
    SparkSession spark = SparkSessions.create("bench shard", "local[2]");
    ShardResult sharded;
    try {
      sharded = ShardJob.run(spark, new ShardRequest(new InputRequest(ShardFormat.IDX, subset.images().toString(),
          subset.labels().toString(), null, null, 16L << 20), data, 4, true, settings.getLong("seed"), 128L << 20, 0), System.err);
    } finally {
      stopSpark();
    }
    int batch = settings.getInt("train.batch-size");
    log.accept("warm-up: train on local[1] for " + WARMUP_MINUTES * 60 + " s, not measured");
    train(settings, "local[1]", 1, data, "warmup", WARMUP_MINUTES);
    log.accept("train on local[1]");
    Measurement local1 = train("local[1]", 1, data, "local1");
    log.accept("train on local[2]");
    Measurement local2 = train("local[2]", 2, data, "local2");
    log.accept("train on local[2], averaging every " + 2 * bench.sparkAveragingFrequency() + " minibatches");
    Measurement local2Sparse = train(settings.with("train.averaging-frequency", 2 * bench.sparkAveragingFrequency()),
        "local[2]", 2, data, "local2-sparse", bench.sparkMinutes());
    Measurement cluster = null;
    String note;
    if (!bench.cluster()) {
      note = "skipped (bench.cluster = false)";
    } else {
      log.accept("starting a standalone cluster (a master and two workers)");
      try (LocalStandaloneCluster c = LocalStandaloneCluster.start(work.resolve("cluster"), 2, 1, "2g")) {
        cluster = onCluster(c, data);
        note = "two workers of one core, executors in their own JVMs";
        if (cluster.samples() == 1) {
          note += "; one round only, start-up included (raise bench.spark-minutes)";
        }
      } catch (IOException | RuntimeException e) {
        note = "failed: " + e;
        log.accept("the cluster run failed: " + e);
      }
    }
    log.accept("plain graph.fit of the same images in this JVM");
    Measurement single = singleJvm(subset, sharded.manifest(), batch);
    return new Figures(subset.count(), batch, bench.sparkAveragingFrequency(), local1, local2, local2Sparse, cluster, note,
        single);
  }

  private Measurement onCluster(LocalStandaloneCluster c, String data) throws IOException {
    String[][] props = {
      {"spark.executor.memory", "1g"},
      {"spark.driver.host", "127.0.0.1"},
      {"spark.executor.extraJavaOptions", String.join(" ", ChildJvm.forwardedProperties())},
    };
    for (String[] p : props) {
      System.setProperty(p[0], p[1]);
    }
    try {
      return train(settings, c.masterUrl(), 2, data, "cluster", 2 * bench.sparkMinutes());
    } finally {
      for (String[] p : props) {
        System.clearProperty(p[0]);
      }
    }
  }

  private Measurement train(String master, int workers, String data, String name) throws IOException {
    return train(settings, master, workers, data, name, bench.sparkMinutes());
  }

  /**
   * Trains one epoch (or {@code minutes}) and returns the examples/s of its rounds after the first, by
   * wall clock from one round's end to the next: the fit and the driver's work between rounds
   * (averaging, EMA, the probe batch, checkpoints), as a user's run sees it.
   */
  private Measurement train(Settings run, String master, int workers, String data, String name, double minutes)
      throws IOException {
    Path out = work.resolve("train-" + name);
    try {
      new TrainJob(master).run(new TrainJob.Request(data, out.toString(), 1, minutes, false, true,
          TrainSettings.from(run.with("train.workers", workers))));
    } finally {
      stopSpark();
    }
    ObjectMapper json = new ObjectMapper();
    List<Double> rates = new ArrayList<>();
    double previousSeconds = 0;
    long previousExamples = 0;
    for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
      if (!line.isBlank()) {
        var row = json.readTree(line);
        double seconds = row.get("seconds").asDouble();
        long examples = row.get("examples").asLong();
        rates.add((examples - previousExamples) / (seconds - previousSeconds));
        previousSeconds = seconds;
        previousExamples = examples;
      }
    }
    return Measurement.of(afterFirst(rates));
  }

  /** The same iterations as one Spark worker, without Spark: DSM minibatches of the images, graph.fit. */
  private Measurement singleJvm(FashionMnistSubset subset, Manifest manifest, int batch) {
    long seed = settings.getLong("seed");
    Sde sde = SdeSettings.sde(settings);
    ScoreNetworkConfig config = NetworkSettings.from(settings)
        .forData(manifest, org.scoresde.data.DataTransform.forData(manifest)).withSeed(seed);
    ComputationGraph graph = trainingGraph(config);
    DenoisingScoreMatching dsm = new DenoisingScoreMatching(sde, config);
    int d = config.dimension();
    int minibatches = subset.count() / batch;
    int group = bench.sparkAveragingFrequency();
    Random rng = new Random(seed);
    List<Double> rates = new ArrayList<>();
    long groupStart = System.nanoTime();
    long end = groupStart + (long) (bench.sparkMinutes() * 60e9);
    for (int b = 0; b < minibatches && System.nanoTime() < end; b++) {
      float[] x = new float[batch * d];
      for (int i = 0; i < x.length; i++) {
        x[i] = (subset.pixels()[b * batch * d + i] & 0xff) / 127.5f - 1f;
      }
      double[] t = new double[batch];
      double[] w = new double[batch];
      for (int i = 0; i < batch; i++) {
        t[i] = settings.getDouble("train.eta") + rng.nextDouble() * (sde.horizon() - settings.getDouble("train.eta"));
        w[i] = sde.std(t[i]) * sde.std(t[i]);
      }
      INDArray x0 = Nd4j.create(x, new long[] {batch, config.channels(), config.height(), config.width()}, 'c');
      graph.fit(dsm.batch(x0, t, w, seed + b));
      if ((b + 1) % group == 0) {
        long now = System.nanoTime();
        rates.add(group * batch / ((now - groupStart) / 1e9));
        groupStart = now;
      }
    }
    if (rates.isEmpty()) {
      throw new IllegalStateException("the plain fit finished no group of " + group + " minibatches in "
          + bench.sparkMinutes() + " minutes");
    }
    return Measurement.of(afterFirst(rates));
  }

  /** The network TrainJob trains (plain DSM), built by the same factory. */
  private ComputationGraph trainingGraph(ScoreNetworkConfig config) {
    return TrainingGraphs.of(settings).build(config, Optional.empty());
  }

  /** The rates after the first (which includes start-up and caching), or the only one. */
  private static double[] afterFirst(List<Double> rates) {
    List<Double> use = rates.size() > 1 ? rates.subList(1, rates.size()) : rates;
    if (use.isEmpty()) {
      throw new IllegalStateException("no training round finished");
    }
    return use.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** Stops the session a job left behind, so the next job's master takes effect. */
  static void stopSpark() {
    SparkSession.getActiveSession().foreach(s -> {
      s.stop();
      return null;
    });
    SparkSession.getDefaultSession().foreach(s -> {
      s.stop();
      return null;
    });
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
  }
}
