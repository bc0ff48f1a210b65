package org.scoresde.spark;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.DoubleAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * Evaluate's progress line while the integration runs: examples done, running mean and ETA, read from
 * the tasks' live accumulator updates every {@code every}; closing it stops the line.
 */
final class LikelihoodProgress implements AutoCloseable {
  private final JavaSparkContext jsc;
  private final LiveAccumulators live;
  private final ScheduledExecutorService ticker;

  private LikelihoodProgress(JavaSparkContext jsc, LiveAccumulators live, ScheduledExecutorService ticker) {
    this.jsc = jsc;
    this.live = live;
    this.ticker = ticker;
  }

  /** Starts printing for {@code total} examples of {@code drawsPerExample} draws each, timed from {@code start} (nanoTime). */
  static LikelihoodProgress start(JavaSparkContext jsc, LongAccumulator done, DoubleAccumulator sum, int drawsPerExample,
      long total, String unit, long start, Duration every) {
    LiveAccumulators live = new LiveAccumulators(List.of(done, sum));
    jsc.sc().addSparkListener(live);
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "evaluate-progress");
      t.setDaemon(true);
      return t;
    });
    ticker.scheduleAtFixedRate(() -> {
      double finished = live.value(done);
      if (finished > 0) {
        double k = Math.min(total, finished / drawsPerExample);
        double s = (System.nanoTime() - start) / 1e9;
        System.err.printf("evaluate: %.0f/%d examples, running mean %.4f %s, %s elapsed, ETA %s%n", Math.floor(k), total,
            live.value(sum) / finished, unit, TrainingProgress.duration(s), TrainingProgress.duration(s / k * (total - k)));
      }
    }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    return new LikelihoodProgress(jsc, live, ticker);
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    jsc.sc().removeSparkListener(live);
  }
}
