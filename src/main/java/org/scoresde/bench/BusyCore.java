package org.scoresde.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Keeps one core busy while a figure is timed, as another tenant of a shared cluster node would: a
 * shell loop that does nothing but spin, pinned to the last core ({@code taskset}) where it exists.
 * One such loop takes exactly one core, so the co-load figure is the same on every run.
 */
final class BusyCore implements AutoCloseable {
  private final Process loop;

  private BusyCore(Process loop) {
    this.loop = loop;
  }

  /** Starts the loop on core {@code cores - 1}. */
  static BusyCore start() throws IOException {
    int core = Runtime.getRuntime().availableProcessors() - 1;
    List<String> cmd = new ArrayList<>();
    if (!CorePinning.prefix(1).isEmpty()) {
      cmd.addAll(List.of(CorePinning.TASKSET.toString(), "-c", String.valueOf(core)));
    }
    cmd.addAll(List.of("sh", "-c", "while :; do :; done"));
    return new BusyCore(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
  }

  /** Whether the loop is still spinning. */
  boolean alive() {
    return loop.isAlive();
  }

  @Override
  public void close() {
    loop.destroyForcibly();
    try {
      loop.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
