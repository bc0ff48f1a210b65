package org.scoresde.spark;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.memory.MemoryUseMode;
import org.nd4j.linalg.api.buffer.DataType;
import org.scoresde.config.UserError;
import org.scoresde.likelihood.ExactDivergence;
import org.scoresde.model.ModelSource;
import org.scoresde.nn.ScoreNetworkBuilder;
import org.scoresde.nn.ScoreNetworkConfig;

/**
 * The off-heap memory an evaluate task needs, estimated before the job starts and checked against
 * what an executor has, so that settings that cannot fit fail in a second with one error naming the
 * setting to lower instead of minutes later. A task holds the network's activations for one forward
 * and backward pass over batch x probes rows (DL4J's own training-mode estimate of the network, about
 * twice what its workspaces measured: 422 MB against 219 MB for 64 rows of the Fashion-MNIST U-Net,
 * the rest leaving room for dead arrays between collections) and the solver's step arrays.
 */
record LikelihoodMemory(long networkRowBytes, long solverExampleBytes, int rowsPerExample, int tasksPerExecutor,
    long executorBytes) {

  private static final Pattern MAX_BYTES = Pattern.compile("-Dorg\\.bytedeco\\.javacpp\\.maxbytes=(\\S+)");
  /** Arrays of one Dormand-Prince step, each batch x (D + 1): seven stages and the temporaries around them. */
  private static final int SOLVER_ARRAYS = 40;

  /**
   * The estimate for a trace estimator ({@code exact}: D unit vectors an example, at most
   * {@link ExactDivergence#DEFAULT_MAX_ROWS} rows a call; otherwise {@code probes} network rows for
   * each row of the batch)
   * and batch size, on the executors {@code conf} describes.
   */
  static LikelihoodMemory estimate(ModelSource source, SparkConf conf, String trace, int probes, int batchSize) {
    int[] shape = source.shape();
    long d = (long) shape[0] * shape[1] * shape[2];
    int rows = trace.equals("exact")
        ? (int) Math.max(1, Math.min(d, ExactDivergence.DEFAULT_MAX_ROWS / batchSize)) : probes;
    return estimate(d, source.isExact() ? null : source.metadata().network(), conf, rows);
  }

  /** The estimate for data of dimension d and a network (null for an analytic score, which holds no activations). */
  static LikelihoodMemory estimate(long d, ScoreNetworkConfig network, SparkConf conf, int rowsPerExample) {
    long perRow = network == null ? 0 : networkBytesPerRow(network);
    return new LikelihoodMemory(perRow, SOLVER_ARRAYS * (d + 1) * Float.BYTES, rowsPerExample,
        tasksPerExecutor(conf), executorOffHeapBytes(conf));
  }

  /** Bytes one task needs for a batch of {@code batchSize} rows (example draws). */
  long perTaskBytes(int batchSize) {
    return batchSize * (rowsPerExample * networkRowBytes + solverExampleBytes);
  }

  /** Refuses, with the setting to lower, when the tasks one executor runs at once need more than it has. */
  void check(int batchSize) {
    long perTask = perTaskBytes(batchSize);
    if (executorBytes <= 0 || tasksPerExecutor * perTask <= executorBytes) {
      return;
    }
    long fits = executorBytes / tasksPerExecutor / perTaskBytes(1);
    throw new UserError(String.format(Locale.ROOT,
        "evaluate needs about %s of off-heap memory per task for a batch of %d rows (example draws) x %d network rows each"
            + " (%d tasks per executor: %s), but an executor has %s (org.bytedeco.javacpp.maxbytes);"
            + " lower --batch-size to %d or less, or give executors more off-heap memory"
            + " (SCORE_SDE_OFFHEAP with the launcher; -Dorg.bytedeco.javacpp.maxbytes and"
            + " spark.executor.memoryOverhead on a cluster)",
        gigabytes(perTask), batchSize, rowsPerExample, tasksPerExecutor, gigabytes(tasksPerExecutor * perTask),
        gigabytes(executorBytes), Math.max(1, fits)));
  }

  /** DL4J's training-mode memory estimate of the network for one row (activations kept for the backward pass). */
  static long networkBytesPerRow(ScoreNetworkConfig network) {
    var graph = new ScoreNetworkBuilder(network).inputGradient(DataType.FLOAT);
    InputType data = network.vector() ? InputType.feedForward(network.width())
        : InputType.convolutional(network.height(), network.width(), network.channels());
    var report = graph.getMemoryReport(data, InputType.feedForward(network.timeEmbeddingSize()));
    long one = report.getTotalMemoryBytes(1, MemoryUseMode.TRAINING, CacheMode.NONE, DataType.FLOAT);
    long two = report.getTotalMemoryBytes(2, MemoryUseMode.TRAINING, CacheMode.NONE, DataType.FLOAT);
    return Math.max(1, two - one);
  }

  /** Tasks an executor runs at once: N for local[N], otherwise spark.executor.cores / spark.task.cpus (1 when unset). */
  static int tasksPerExecutor(SparkConf conf) {
    String master = conf.get("spark.master", "local[*]");
    Matcher local = Pattern.compile("local(?:\\[(\\*|\\d+)(?:,\\s*\\d+)?\\])?").matcher(master);
    if (local.matches()) {
      String n = local.group(1);
      return n == null ? 1 : n.equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(n);
    }
    int cores = conf.getInt("spark.executor.cores", 1);
    return Math.max(1, cores / Math.max(1, conf.getInt("spark.task.cpus", 1)));
  }

  /**
   * The off-heap memory of one executor: this JVM's JavaCPP limit in local mode, else the limit in
   * spark.executor.extraJavaOptions, else JavaCPP's default (the executor's heap, spark.executor.memory).
   */
  static long executorOffHeapBytes(SparkConf conf) {
    if (conf.get("spark.master", "local[*]").startsWith("local")) {
      return Pointer.maxBytes();
    }
    Matcher m = MAX_BYTES.matcher(conf.get("spark.executor.extraJavaOptions", ""));
    if (m.find()) {
      return Pointer.parseBytes(m.group(1), Runtime.getRuntime().maxMemory());
    }
    return conf.getSizeAsBytes("spark.executor.memory", "1g");
  }

  private static String gigabytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f GB", bytes / 1e9);
  }
}
