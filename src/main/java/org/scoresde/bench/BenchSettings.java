package org.scoresde.bench;

import com.typesafe.config.Config;
import org.scoresde.config.Settings;
import org.scoresde.config.UserError;

/**
 * The {@code bench.*} keys of a run; with {@code --quick}, any key also set under
 * {@code bench.quick} replaces the full run's value (a smoke run of about a minute).
 */
record BenchSettings(boolean quick, int batchSize, int threads, int rounds, boolean coLoad, int warmup, double warmupSeconds, int repeats, double budgetSeconds, int likelihoodNfe, int gemmSize,
    int sparkImages, int sparkAveragingFrequency, double sparkMinutes, boolean cluster, int evaluateExamples,
    double evaluateTolerance, String evaluateHeap, String evaluateOffHeap, int evaluateNetworkExamples,
    int evaluateNetworkBatchSize, double evaluateNetworkTolerance, String evaluateNetworkOffHeap, String fashionMnist, String python,
    double peerTimeoutSeconds) {

  static BenchSettings from(Settings settings, boolean quick) {
    Config all = settings.config();
    Config c = all.getConfig("bench");
    if (quick) {
      c = c.getConfig("quick").withFallback(c);
    }
    try {
      int threads = c.getInt("threads") > 0 ? c.getInt("threads") : Runtime.getRuntime().availableProcessors();
      int batch = c.getInt("batch-size") > 0 ? c.getInt("batch-size") : all.getInt("train.batch-size");
      int averaging = c.getInt("spark-averaging-frequency") > 0 ? c.getInt("spark-averaging-frequency")
          : all.getInt("train.averaging-frequency");
      BenchSettings b = new BenchSettings(quick, batch, threads, c.getInt("rounds"), c.getBoolean("co-load"), c.getInt("warmup"), c.getDouble("warmup-seconds"), c.getInt("repeats"), c.getDouble("budget-seconds"),
          c.getInt("likelihood-nfe"), c.getInt("gemm-size"), c.getInt("spark-images"), averaging,
          c.getDouble("spark-minutes"), c.getBoolean("cluster"), c.getInt("evaluate-examples"),
          c.getDouble("evaluate-tolerance"), c.getString("evaluate-heap"), c.getString("evaluate-offheap"),
          c.getInt("evaluate-network-examples"), c.getInt("evaluate-network-batch-size"),
          c.getDouble("evaluate-network-tolerance"), c.getString("evaluate-network-offheap"), c.getString("fashion-mnist"), c.getString("python"),
          c.getDouble("peer-timeout-seconds"));
      b.check();
      return b;
    } catch (com.typesafe.config.ConfigException e) {
      throw new UserError("bench configuration: " + e.getMessage());
    }
  }

  private void check() {
    if (batchSize < 1 || rounds < 1 || warmup < 0 || !(warmupSeconds >= 0) || repeats < 2 || !(budgetSeconds > 0) || likelihoodNfe < 1 || gemmSize < 16 || sparkImages < 64
        || sparkAveragingFrequency < 1 || !(sparkMinutes > 0) || evaluateExamples < 1 || !(evaluateTolerance > 0)
        || !evaluateHeap.matches("[0-9]+[kmgKMG]") || !evaluateOffHeap.matches("[0-9]+[kmgKMG]")
        || evaluateNetworkExamples < 1 || evaluateNetworkBatchSize < 1 || !(evaluateNetworkTolerance > 0)
        || !evaluateNetworkOffHeap.matches("[0-9]+[kmgKMG]")) {
      throw new UserError("bench configuration: need batch-size >= 0, rounds >= 1, warmup >= 0, warmup-seconds >= 0, repeats >= 2, budget-seconds > 0, likelihood-nfe >= 1, "
          + "gemm-size >= 16, spark-images >= 64, spark-averaging-frequency >= 0, spark-minutes > 0, "
          + "evaluate-examples >= 1, evaluate-tolerance > 0, evaluate-heap and evaluate-offheap like 512m, "
          + "evaluate-network-examples >= 1, evaluate-network-batch-size >= 1, evaluate-network-tolerance > 0, "
          + "evaluate-network-offheap like 1G");
    }
  }

  Stopwatch stopwatch() {
    return new Stopwatch(warmup, repeats, budgetSeconds);
  }

  /** The same settings with another number of rounds. */
  BenchSettings withRounds(int newRounds) {
    return new BenchSettings(quick, batchSize, threads, newRounds, coLoad, warmup, warmupSeconds, repeats, budgetSeconds, likelihoodNfe,
        gemmSize, sparkImages, sparkAveragingFrequency, sparkMinutes, cluster, evaluateExamples, evaluateTolerance,
        evaluateHeap, evaluateOffHeap, evaluateNetworkExamples, evaluateNetworkBatchSize, evaluateNetworkTolerance,
        evaluateNetworkOffHeap, fashionMnist, python, peerTimeoutSeconds);
  }

  /** The same settings with another thread count for the single-process figures. */
  BenchSettings withThreads(int newThreads) {
    return new BenchSettings(quick, batchSize, newThreads, rounds, coLoad, warmup, warmupSeconds, repeats, budgetSeconds, likelihoodNfe, gemmSize,
        sparkImages, sparkAveragingFrequency, sparkMinutes, cluster, evaluateExamples, evaluateTolerance, evaluateHeap,
        evaluateOffHeap, evaluateNetworkExamples, evaluateNetworkBatchSize, evaluateNetworkTolerance, evaluateNetworkOffHeap,
        fashionMnist, python,
        peerTimeoutSeconds);
  }
}
