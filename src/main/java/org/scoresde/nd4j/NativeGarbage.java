package org.scoresde.nd4j;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the off-heap memory that dead ND4J arrays hold while long loops run, by asking for a
 * garbage collection every window while any loop of this JVM holds a lease. ND4J frees an array's
 * native memory only after the collector has found its Java object dead, and every ND4J operation
 * makes small native objects (shape descriptors, op contexts) even inside workspaces: thousands per
 * network evaluation. Those that outlive a young collection die in the old generation, which a
 * large heap collects rarely, so an evaluate task grew by hundreds of megabytes per integration
 * (measured); ND4J's own periodic collection waits for an idle moment that a busy loop never has.
 *
 * <p>A collection is an act of the whole JVM, so the timer is one per JVM, shared by the Spark tasks
 * that run in it: the pace stays one collection a window whether one task runs or several (one
 * timer per task collected twice as often on two cores, and half as often when the last task ran
 * alone, which let G1 grow its heap at the end of every job). This is the one piece of JVM-wide
 * state in the project; the lease count is its only mutable part.
 */
public final class NativeGarbage implements AutoCloseable {
  /** The window of this project's long ND4J loops (evaluate, sample, encode). */
  public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(3);

  private static final Collector JVM_COLLECTOR = new Collector(System::gc);

  private final Collector collector;
  private boolean closed;

  private NativeGarbage(Collector collector) {
    this.collector = collector;
  }

  /**
   * Leases the JVM's collector until {@link #close}: it requests a collection every {@code window},
   * on a daemon thread, while at least one lease is open. The first lease of an idle JVM sets the
   * window; later ones share the running timer.
   */
  public static NativeGarbage collectEvery(Duration window) {
    return JVM_COLLECTOR.lease(window);
  }

  /** Returns this lease (idempotent); the timer stops when the last lease of its collector is returned. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      collector.release();
    }
  }

  /** One timer running {@code action} every window while leases are open (the JVM's runs System.gc). */
  static final class Collector {
    private final Runnable action;
    private int leases;
    private ScheduledExecutorService executor;

    Collector(Runnable action) {
      this.action = action;
    }

    synchronized NativeGarbage lease(Duration window) {
      if (window.isNegative() || window.isZero()) {
        throw new IllegalArgumentException("the collection window must be positive, got " + window);
      }
      if (leases++ == 0) {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "scoresde-native-garbage");
          t.setDaemon(true);
          return t;
        });
        long ms = window.toMillis();
        executor.scheduleWithFixedDelay(action, ms, ms, TimeUnit.MILLISECONDS);
      }
      return new NativeGarbage(this);
    }

    synchronized void release() {
      if (--leases == 0) {
        executor.shutdownNow();
        executor = null;
      }
    }
  }
}
