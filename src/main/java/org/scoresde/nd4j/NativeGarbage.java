package org.scoresde.nd4j;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the off-heap memory that dead ND4J arrays hold while a long loop runs, by asking for a
 * garbage collection every window until closed. ND4J frees an array's native memory only after the
 * collector has found its Java object dead, and every ND4J operation makes small native objects
 * (shape descriptors, op contexts) even inside workspaces: thousands per network evaluation. Those
 * that outlive a young collection die in the old generation, which a large heap collects rarely,
 * so an evaluate task grew by hundreds of megabytes per integration (measured); ND4J's own periodic
 * collection waits for an idle moment that a busy loop never has.
 */
public final class NativeGarbage implements AutoCloseable {
  /** The window of this project's long ND4J loops (evaluate, sample, encode). */
  public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(3);

  private final ScheduledExecutorService timer;

  private NativeGarbage(ScheduledExecutorService timer) {
    this.timer = timer;
  }

  /** Starts requesting a collection every {@code window}, on a daemon thread, until {@link #close}. */
  public static NativeGarbage collectEvery(Duration window) {
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("the collection window must be positive, got " + window);
    }
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "scoresde-native-garbage");
      t.setDaemon(true);
      return t;
    });
    long ms = window.toMillis();
    timer.scheduleWithFixedDelay(System::gc, ms, ms, TimeUnit.MILLISECONDS);
    return new NativeGarbage(timer);
  }

  /** Stops the requests (idempotent). */
  @Override
  public void close() {
    timer.shutdownNow();
  }
}
