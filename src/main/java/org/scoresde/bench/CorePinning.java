package org.scoresde.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Pins the processes of a one-thread figure to one core ({@code taskset -c 0}), ours and the peer's
 * alike, so that neither side is moved between cores or gets a second one for its runtime's helper
 * threads; figures of more threads run unpinned.
 */
final class CorePinning {
  static final Path TASKSET = Path.of("/usr/bin/taskset");

  private CorePinning() {}

  /** The command prefix for a process of {@code threads} compute threads (empty: not pinned). */
  static List<String> prefix(int threads) {
    return threads == 1 && Files.isExecutable(TASKSET) ? List.of(TASKSET.toString(), "-c", "0") : List.of();
  }

  /** ", pinned to core 0 (taskset)" when such processes are pinned, else "". */
  static String describe(int threads) {
    return prefix(threads).isEmpty() ? "" : ", pinned to core 0 (taskset)";
  }
}
