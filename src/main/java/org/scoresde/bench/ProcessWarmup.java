package org.scoresde.bench;

import java.util.List;

/**
 * Untimed work at the start of a benchmark process, before its first figure: a JVM interprets and
 * then compiles its hot code during its first seconds (the network's forward pass ran at 0.8x its
 * steady speed for about 15 seconds, measured 2026-12-07), while train, evaluate and sample run
 * for minutes. The PyTorch peer gets the same seconds ({@code --warmup-seconds}).
 */
record ProcessWarmup(double seconds) {

  ProcessWarmup {
    if (!(seconds >= 0)) {
      throw new IllegalArgumentException("warm-up seconds must be >= 0, got " + seconds);
    }
  }

  /**
   * Runs the pieces of work in turn, whole rounds of them, until {@code seconds} have passed;
   * returns the number of rounds (0 when the warm-up is off).
   */
  int run(List<Runnable> work) {
    if (seconds == 0 || work.isEmpty()) {
      return 0;
    }
    long end = System.nanoTime() + (long) (seconds * 1e9);
    int rounds = 0;
    do {
      work.forEach(Runnable::run);
      rounds++;
    } while (System.nanoTime() < end);
    return rounds;
  }
}
