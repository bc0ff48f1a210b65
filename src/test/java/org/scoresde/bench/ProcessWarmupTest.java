package org.scoresde.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessWarmupTest {

  @Test
  void runsWholeRoundsOfEveryPieceUntilItsTimeIsUp() {
    List<String> calls = new ArrayList<>();
    long start = System.nanoTime();
    int rounds = new ProcessWarmup(0.2).run(List.of(() -> sleep(calls, "a", 20), () -> sleep(calls, "b", 10)));
    double elapsed = (System.nanoTime() - start) / 1e9;
    assertTrue(elapsed >= 0.2, "stopped after " + elapsed + " s");
    // each round sleeps at least 30 ms, so at most ceil(0.2 / 0.03) rounds fit before the time is up
    assertTrue(rounds >= 1 && rounds <= 7, "rounds " + rounds);
    assertEquals(2 * rounds, calls.size());
    for (int i = 0; i < calls.size(); i++) {
      assertEquals(i % 2 == 0 ? "a" : "b", calls.get(i));
    }
  }

  @Test
  void zeroSecondsRunsNothing() {
    List<String> calls = new ArrayList<>();
    assertEquals(0, new ProcessWarmup(0).run(List.of(() -> calls.add("a"))));
    assertTrue(calls.isEmpty());
  }

  @Test
  void refusesNegativeOrMissingSeconds() {
    assertThrows(IllegalArgumentException.class, () -> new ProcessWarmup(-1));
    assertThrows(IllegalArgumentException.class, () -> new ProcessWarmup(Double.NaN));
  }

  private static void sleep(List<String> calls, String name, long millis) {
    calls.add(name);
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
