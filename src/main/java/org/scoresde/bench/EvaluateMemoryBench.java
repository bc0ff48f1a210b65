package org.scoresde.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.scoresde.data.InputRequest;
import org.scoresde.data.ShardFormat;
import org.scoresde.data.DataTransform;
import org.scoresde.model.ModelFile;
import org.scoresde.model.ModelMetadata;
import org.scoresde.nn.ScoreNetworkBuilder;
import org.scoresde.nn.ScoreNetworkConfig;
import org.scoresde.score.GaussianMixture;
import org.scoresde.sde.VpSde;
import org.scoresde.spark.ShardJob;
import org.scoresde.spark.ShardRequest;
import org.scoresde.spark.SparkSessions;

/**
 * Evaluate's peak memory as the data grows: the evaluate command on n and on 10 n examples of a
 * Gaussian mixture (vector shards, the exact mixture score behind the model seam, so the solver and
 * the job do all the work cheaply), each in a fresh child JVM on local[2] with the same heap and
 * off-heap bounds, whose peak resident set (driver and executors together) is compared. Fixed bounds
 * make the comparison about what evaluate needs: with a large heap a longer run merely commits more
 * of it before collecting. The heap is also committed and touched at start ({@code -Xms} = {@code
 * -Xmx}, {@code AlwaysPreTouch}): otherwise the resident set of a short run counts only the heap
 * regions G1 has reached so far (2 000, 20 000 and 200 000 examples: 576, 781 and 845 MB, BENCHMARKS.md),
 * and the ratio measures the collector's warm-up rather than anything the job keeps per example.
 */
final class EvaluateMemoryBench {
  private final Path work;
  private final long seed;
  private final String heap;
  private final String offHeap;
  /** The class whose static {@code int execute(String...)} runs a command line in the child JVM. */
  private final String commandMain;
  private final Consumer<String> log;

  EvaluateMemoryBench(Path work, long seed, String heap, String offHeap, String commandMain, Consumer<String> log) {
    this.work = work;
    this.commandMain = commandMain;
    this.seed = seed;
    this.heap = heap;
    this.offHeap = offHeap;
    this.log = log;
  }

  /** One size's run: examples, peak RSS and peak live heap in kB, wall seconds of the child JVM. */
  record Run(int examples, long peakKb, long liveHeapKb, double seconds) {}

  /** Both runs. */
  record Figures(Run small, Run large, double tolerance) {
    double ratio() {
      return large.peakKb() / (double) small.peakKb();
    }

    double liveHeapRatio() {
      return large.liveHeapKb() / (double) small.liveHeapKb();
    }
  }

  Figures run(int n, double tolerance, double timeoutSeconds) throws IOException, InterruptedException {
    GaussianMixture mixture = GaussianMixture.random(3, 2, new Random(seed));
    Path gmm = work.resolve("gmm.json");
    Files.writeString(gmm, mixture.toJson());
    Run small = once(mixture, gmm, n, tolerance, timeoutSeconds);
    Run large = once(mixture, gmm, 10 * n, tolerance, timeoutSeconds);
    return new Figures(small, large, tolerance);
  }

  private Run once(GaussianMixture mixture, Path gmm, int n, double tolerance, double timeoutSeconds)
      throws IOException, InterruptedException {
    Path csv = work.resolve("gmm-" + n + ".csv");
    StringBuilder text = new StringBuilder();
    for (double[] row : mixture.sample(n, seed + n, DataType.DOUBLE).toDoubleMatrix()) {
      text.append(row[0]).append(',').append(row[1]).append('\n');
    }
    Files.writeString(csv, text.toString(), StandardCharsets.UTF_8);
    String data = work.resolve("gmm-shards-" + n).toString();
    SparkSession spark = SparkSessions.create("bench shard", "local[2]");
    try {
      ShardJob.run(spark, new ShardRequest(new InputRequest(ShardFormat.CSV, csv.toString(), null, null, null, 16L << 20),
          data, 4, true, seed, 128L << 20, 0), System.err);
    } finally {
      SparkTrainBench.stopSpark();
    }
    return child("gmm-" + n, n, offHeap, timeoutSeconds, List.of("--model", "gmm:" + gmm, "--sde", "vp", "--data", data,
        "--rtol", String.valueOf(tolerance), "--atol", String.valueOf(tolerance)));
  }

  /**
   * The same figure on the network path: the default Fashion-MNIST U-Net (freshly initialized: what a
   * task holds depends on the network and the batch, not on what it learned) at the given tolerance
   * with evaluate's own probes, one dequantization draw, on the first n and 10 n of 10 n training
   * images sharded four ways; a small batch that the first n already fill, so both runs hold the same batch.
   */
  Figures runNetwork(Path fashionMnist, int n, int batchSize, double tolerance, String networkOffHeap,
      double timeoutSeconds)
      throws IOException, InterruptedException {
    FashionMnistSubset subset = FashionMnistSubset.write(fashionMnist, 10 * n, work.resolve("fashion-mnist"));
    String data = work.resolve("fashion-shards").toString();
    SparkSession spark = SparkSessions.create("bench shard", "local[2]");
    String checksum;
    try {
      checksum = ShardJob.run(spark, new ShardRequest(new InputRequest(ShardFormat.IDX, subset.images().toString(),
          subset.labels().toString(), null, null, 16L << 20), data, 4, true, seed, 128L << 20, 0), System.err)
          .manifest().checksum();
    } finally {
      SparkTrainBench.stopSpark();
    }
    ScoreNetworkConfig network = ScoreNetworkConfig.defaultFor(1, FashionMnistSubset.SIDE, FashionMnistSubset.SIDE);
    ComputationGraph graph = new ScoreNetworkBuilder(network).newTrainingGraph(new Adam(), DataType.FLOAT);
    Path model = work.resolve("network-model.zip");
    ModelFile.save(model, graph, ModelMetadata.of(new VpSde(), DataTransform.pixels8Bit(-1, 1), network,
        "bench: an untrained U-Net", checksum), false);
    List<String> args = List.of("--model", model.toString(), "--data", data, "--batch-size", String.valueOf(batchSize),
        "--dequant-repeats", "1", "--rtol", String.valueOf(tolerance), "--atol", String.valueOf(tolerance));
    Run small = child("network-" + n, n, networkOffHeap, timeoutSeconds, withLimit(args, n));
    Run large = child("network-" + 10 * n, 10 * n, networkOffHeap, timeoutSeconds, withLimit(args, 10 * n));
    return new Figures(small, large, tolerance);
  }

  private static List<String> withLimit(List<String> args, int n) {
    List<String> all = new ArrayList<>(args);
    all.add("--limit");
    all.add(String.valueOf(n));
    return all;
  }

  /** One evaluate in a child JVM on local[2] with the bench's heap, committed at start, and the given off-heap limit. */
  private Run child(String name, int n, String childOffHeap, double timeoutSeconds, List<String> modelAndData)
      throws IOException, InterruptedException {
    log.accept("evaluate " + name + " in a child JVM");
    List<String> flags = List.of("-Xms" + heap, "-XX:+AlwaysPreTouch", "-Dorg.bytedeco.javacpp.maxbytes=" + childOffHeap);
    List<String> evaluate = new ArrayList<>(List.of(commandMain, "evaluate", "--master", "local[2]"));
    evaluate.addAll(modelAndData);
    evaluate.addAll(List.of("--out", work.resolve("eval-" + name).toString(), "--overwrite"));
    List<String> cmd = ChildJvm.command(heap, flags, PeakMemoryProbe.class.getName(), evaluate);
    Path out = work.resolve("eval-" + name + ".out");
    Path err = work.resolve("eval-" + name + ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().putIfAbsent("OMP_NUM_THREADS", "1");
    long t0 = System.nanoTime();
    Process p = pb.start();
    if (!p.waitFor((long) timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("evaluate " + name + " did not finish in " + (long) timeoutSeconds + " s");
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    List<String> lines = Files.readAllLines(out);
    long peak = value(lines, PeakMemoryProbe.PREFIX);
    long live = value(lines, PeakMemoryProbe.LIVE_PREFIX);
    if (p.exitValue() != 0 || peak <= 0 || live <= 0) {
      throw new IllegalStateException("evaluate " + name + " failed (exit " + p.exitValue() + "); see " + err);
    }
    return new Run(n, peak, live, seconds);
  }

  private static long value(List<String> lines, String prefix) {
    return lines.stream().filter(l -> l.startsWith(prefix))
        .mapToLong(l -> Long.parseLong(l.substring(prefix.length()).trim())).findFirst().orElse(-1);
  }
}
