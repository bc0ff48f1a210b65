package org.scoresde.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.scoresde.nn.OneDnn;

/**
 * A child-JVM entry point: runs one score-sde command line (the first argument names the class
 * whose static {@code int execute(String...)} runs it; the rest is the command line), then prints this process's peak
 * resident set size (VmHWM from /proc/self/status) as {@code peak-rss-kb N} and its peak live heap
 * as {@code peak-live-heap-kb N} on stdout. With a local master the driver and the executors share
 * this process, so that is the job's peak memory. The resident set also counts heap the collector
 * has committed for garbage. The live heap is the heap in use after full collections, one every
 * {@value #FULL_GC_SECONDS} s and one at the end (after a young collection, G1 still counts old
 * garbage that only a marking cycle frees): the figure that would grow if the job held data per
 * example.
 */
public final class PeakMemoryProbe {
  /** The line prefix the parent looks for. */
  static final String PREFIX = "peak-rss-kb ";
  /** The line prefix of the peak live heap. */
  static final String LIVE_PREFIX = "peak-live-heap-kb ";
  static final long FULL_GC_SECONDS = 2;

  private PeakMemoryProbe() {}

  public static void main(String[] args) throws ReflectiveOperationException, IOException {
    OneDnn.selectPlatform();
    AtomicLong liveBytes = new AtomicLong();
    watchHeapAfterFullCollections(liveBytes);
    ScheduledExecutorService collector = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "peak-memory-probe-gc");
      t.setDaemon(true);
      return t;
    });
    collector.scheduleAtFixedRate(System::gc, FULL_GC_SECONDS, FULL_GC_SECONDS, TimeUnit.SECONDS);
    Method execute = Class.forName(args[0]).getMethod("execute", String[].class);
    int code = (Integer) execute.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    collector.shutdownNow();
    System.gc();
    System.out.println(PREFIX + peakKilobytes());
    System.out.println(LIVE_PREFIX + liveBytes.get() / 1024);
    System.out.flush();
    System.exit(code);
  }

  /** Keeps in {@code peak} the largest heap use (all heap pools) reported after a full collection. */
  private static void watchHeapAfterFullCollections(AtomicLong peak) {
    Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(pool -> pool.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
    NotificationListener listener = (notification, handback) -> {
      if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
        GarbageCollectionNotificationInfo gc = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        if (!gc.getGcAction().contains("major")) {
          return;
        }
        GcInfo info = gc.getGcInfo();
        long used = info.getMemoryUsageAfterGc().entrySet().stream().filter(e -> heapPools.contains(e.getKey()))
            .mapToLong(e -> e.getValue().getUsed()).sum();
        peak.accumulateAndGet(used, Math::max);
      }
    };
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(listener, null, null);
      }
    }
  }

  /** VmHWM of this process in kB, or -1 where /proc is missing. */
  static long peakKilobytes() throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.exists(status)) {
      return -1;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }
}
