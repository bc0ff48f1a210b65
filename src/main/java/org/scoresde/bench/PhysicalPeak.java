package org.scoresde.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The machine's float32 arithmetic bound, cores x clock x FLOPs a cycle, read from /proc/cpuinfo:
 * what no library can beat, against which a measured ceiling says how much a BLAS or oneDNN leaves.
 * The FLOPs a cycle count fused multiply-adds (2 FLOPs a lane) on the widest vector unit the flags
 * name, with two such units a core (what server cores since Skylake-SP have; the flags cannot say),
 * so the bound is an upper one. A virtual machine's "cpu MHz" is its nominal clock, not turbo.
 *
 * @param cores the processors this JVM may use
 * @param mhz the clock /proc/cpuinfo states, NaN where it is unreadable
 * @param lanes float32 lanes of the widest vector unit (16 with AVX-512, 8 with AVX2 and FMA, 4 otherwise)
 */
record PhysicalPeak(int cores, double mhz, int lanes) {
  private static final int FMA_UNITS = 2;

  /** Read off this machine (Linux); NaN clock elsewhere. */
  static PhysicalPeak ofThisMachine() {
    int cores = Runtime.getRuntime().availableProcessors();
    try {
      return parse(Files.readAllLines(Path.of("/proc/cpuinfo")), cores);
    } catch (IOException e) {
      return new PhysicalPeak(cores, Double.NaN, 4);
    }
  }

  /** The bound from the lines of a /proc/cpuinfo (its first processor's block). */
  static PhysicalPeak parse(List<String> cpuinfo, int cores) {
    double mhz = Double.NaN;
    Set<String> flags = Set.of();
    for (String line : cpuinfo) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String key = line.substring(0, colon).trim();
      String value = line.substring(colon + 1).trim();
      if (key.equals("cpu MHz") && Double.isNaN(mhz)) {
        mhz = Double.parseDouble(value);
      } else if (key.equals("flags") && flags.isEmpty()) {
        flags = Set.of(value.split("\\s+"));
      }
    }
    int lanes = flags.contains("avx512f") ? 16 : flags.contains("avx2") && flags.contains("fma") ? 8 : 4;
    return new PhysicalPeak(cores, mhz, lanes);
  }

  /** float32 FLOPs a core retires per cycle at most. */
  int flopsPerCycle() {
    return lanes * 2 * FMA_UNITS;
  }

  /** The bound in GFLOP/s. */
  double gflops() {
    return cores * mhz / 1000.0 * flopsPerCycle();
  }

  /** One line for the report: "2 cores x 2.60 GHz x 64 FLOPs/cycle". */
  String describe() {
    return String.format("%d cores x %.2f GHz x %d float32 FLOPs/cycle (%d-lane FMA, %d units assumed)", cores, mhz / 1000,
        flopsPerCycle(), lanes, FMA_UNITS);
  }
}
