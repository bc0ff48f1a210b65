package org.scoresde.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the figures ran on, from /proc (Linux); "unknown" elsewhere. */
final class Machine {
  private Machine() {}

  static String cpuModel() {
    return field(Path.of("/proc/cpuinfo"), "model name").orElse("unknown");
  }

  static double memoryGib() {
    return field(Path.of("/proc/meminfo"), "MemTotal").map(v -> Long.parseLong(v.replaceAll("[^0-9]", "")) / 1048576.0)
        .orElse(Double.NaN);
  }

  private static java.util.Optional<String> field(Path file, String name) {
    try {
      return Files.readAllLines(file).stream().filter(l -> l.startsWith(name)).findFirst()
          .map(l -> l.substring(l.indexOf(':') + 1).trim());
    } catch (IOException e) {
      return java.util.Optional.empty();
    }
  }
}
