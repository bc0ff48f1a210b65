package org.scoresde.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PhysicalPeakTest {
  @Test
  void boundIsCoresTimesClockTimesFmaLanes() {
    List<String> cpuinfo = List.of("processor\t: 0", "model name\t: Intel(R) Xeon(R) Processor", "cpu MHz\t\t: 2600.000",
        "flags\t\t: fpu sse sse2 avx avx2 fma avx512f avx512bw", "", "processor\t: 1", "cpu MHz\t\t: 1200.000",
        "flags\t\t: fpu sse");
    PhysicalPeak peak = PhysicalPeak.parse(cpuinfo, 2);
    assertEquals(16, peak.lanes());
    assertEquals(64, peak.flopsPerCycle());
    // 2 cores x 2.6 GHz x 16 lanes x 2 FLOPs an FMA x 2 units
    assertEquals(332.8, peak.gflops(), 1e-9);
  }

  @Test
  void narrowerUnitsAndMissingClock() {
    assertEquals(8, PhysicalPeak.parse(List.of("cpu MHz : 3000", "flags : sse2 avx avx2 fma"), 1).lanes());
    assertEquals(4, PhysicalPeak.parse(List.of("cpu MHz : 3000", "flags : sse2 avx avx2"), 1).lanes());
    PhysicalPeak unknown = PhysicalPeak.parse(List.of("flags : sse2"), 4);
    assertTrue(Double.isNaN(unknown.gflops()));
  }

  @Test
  void thisMachineIsReadable() {
    PhysicalPeak here = PhysicalPeak.ofThisMachine();
    assertEquals(Runtime.getRuntime().availableProcessors(), here.cores());
    assertTrue(here.gflops() > 0, here.describe());
  }
}
