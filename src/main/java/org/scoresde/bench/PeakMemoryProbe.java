package org.scoresde.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.scoresde.nn.OneDnn;
import org.scoresde.cli.Main;

/**
 * A child-JVM entry point: runs one score-sde command line, then prints this process's peak
 * resident set size (VmHWM from /proc/self/status) as {@code peak-rss-kb N} on stdout. With a
 * local master the driver and the executors share this process, so that is the job's peak memory.
 */
public final class PeakMemoryProbe {
  /** The line prefix the parent looks for. */
  static final String PREFIX = "peak-rss-kb ";

  private PeakMemoryProbe() {}

  public static void main(String[] args) throws IOException {
    OneDnn.selectPlatform();
    int code = Main.execute(args);
    System.out.println(PREFIX + peakKilobytes());
    System.out.flush();
    System.exit(code);
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
