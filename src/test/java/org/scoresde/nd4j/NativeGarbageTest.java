package org.scoresde.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The collection timer is one per collector (the JVM has one), however many loops lease it, and stops
 * with the last lease. Checked by the threads that ran the action and by its count after the stop, not
 * by rates, so that a loaded machine cannot fail it.
 */
class NativeGarbageTest {
  private static final Duration WINDOW = Duration.ofMillis(20);

  /** Counts the runs of the action and remembers each thread that ran it. */
  private static final class Recorder implements Runnable {
    final AtomicInteger runs = new AtomicInteger();
    final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    volatile CountDownLatch reached = new CountDownLatch(0);

    @Override
    public void run() {
      threads.add(Thread.currentThread());
      runs.incrementAndGet();
      reached.countDown();
    }

    void awaitRuns(int n) throws InterruptedException {
      reached = new CountDownLatch(n);
      assertTrue(reached.await(30, TimeUnit.SECONDS), "the action ran fewer than " + n + " times in 30 s");
    }
  }

  @Test
  void leasesShareOneTimerThatStopsWithTheLastLease() throws InterruptedException {
    Recorder action = new Recorder();
    NativeGarbage.Collector collector = new NativeGarbage.Collector(action);
    NativeGarbage a = collector.lease(WINDOW);
    NativeGarbage b = collector.lease(WINDOW);
    action.awaitRuns(5);
    a.close();
    a.close();
    action.awaitRuns(5);
    assertEquals(1, action.threads.size(), "two leases, one timer thread");
    b.close();
    assertStops(action);

    NativeGarbage c = collector.lease(WINDOW);
    action.awaitRuns(3);
    assertEquals(2, action.threads.size(), "a lease after the stop starts a new timer");
    c.close();
    assertStops(action);
  }

  @Test
  void theJvmCollectorRequestsCollections() throws InterruptedException {
    long before = collections();
    try (NativeGarbage lease = NativeGarbage.collectEvery(Duration.ofMillis(50))) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (collections() < before + 2 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    }
    assertTrue(collections() >= before + 2, "no collections while the JVM's collector was leased");
  }

  @Test
  void aWindowMustBePositive() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> NativeGarbage.collectEvery(Duration.ZERO));
    assertEquals("the collection window must be positive, got PT0S", e.getMessage());
  }

  /** After the last lease, at most a run already under way completes; none starts. */
  private static void assertStops(Recorder action) throws InterruptedException {
    Thread.sleep(100);
    int stopped = action.runs.get();
    Thread.sleep(300);
    assertEquals(stopped, action.runs.get(), "the action ran after the last lease was returned");
  }

  private static long collections() {
    long n = 0;
    for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
      n += Math.max(0, gc.getCollectionCount());
    }
    return n;
  }
}
