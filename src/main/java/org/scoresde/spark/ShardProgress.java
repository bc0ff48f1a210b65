package org.scoresde.spark;

import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkContext;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Progress of a shard job on stderr: a listener adds up the rows of finished tasks (shuffle records
 * written by the read stage, output records written by the Parquet stage), and every few seconds a
 * line such as {@code shard: 30000/60000 rows written (60000 read), 12.3 s, ETA 9 s} is printed.
 */
final class ShardProgress extends SparkListener implements AutoCloseable {
  private final SparkContext sc;
  private final long total;
  private final PrintStream out;
  private final long start = System.nanoTime();
  private final AtomicLong read = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final ScheduledExecutorService timer;

  private ShardProgress(SparkContext sc, long total, double seconds, PrintStream out) {
    this.sc = sc;
    this.total = total;
    this.out = out;
    if (seconds > 0) {
      timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "shard-progress");
        t.setDaemon(true);
        return t;
      });
      long ms = Math.max(100, (long) (seconds * 1000));
      timer.scheduleAtFixedRate(this::report, ms, ms, TimeUnit.MILLISECONDS);
    } else {
      timer = null;
    }
  }

  /** Starts counting and reporting every {@code seconds} (0: count only). */
  static ShardProgress start(SparkContext sc, long total, double seconds, PrintStream out) {
    ShardProgress p = new ShardProgress(sc, total, seconds, out);
    sc.addSparkListener(p);
    return p;
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    TaskMetrics m = end.taskMetrics();
    if (m == null || !end.taskInfo().successful()) {
      return;
    }
    read.addAndGet(m.shuffleWriteMetrics().recordsWritten());
    written.addAndGet(m.outputMetrics().recordsWritten());
  }

  long written() {
    return written.get();
  }

  /** The progress line now. */
  String line() {
    double elapsed = (System.nanoTime() - start) / 1e9;
    long r = Math.min(read.get(), total);
    long w = Math.min(written.get(), total);
    double done = (r + w) / (2.0 * total);
    String eta = done <= 0 ? "?" : String.format("%.0f s", elapsed * (1 - done) / done);
    return String.format("shard: %d/%d rows written (%d read), %.1f s, ETA %s", w, total, r, elapsed, eta);
  }

  private void report() {
    out.println(line());
    out.flush();
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
    sc.removeSparkListener(this);
  }
}
