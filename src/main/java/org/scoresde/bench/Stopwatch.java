package org.scoresde.bench;

/**
 * Times a piece of work the way the PyTorch peer does: {@code warmup} untimed runs, then timed runs
 * until {@code repeats} are done or {@code budgetSeconds} have passed (but at least two), each
 * turned into a rate of {@code items} per second. The JVM collects garbage before every timed run
 * (outside the timing): ND4J's off-heap buffers are freed only when their Java owners are collected,
 * and a shared machine's memory would otherwise fill with a few repeats' garbage.
 */
public record Stopwatch(int warmup, int repeats, double budgetSeconds) {

  public Stopwatch {
    if (warmup < 0 || repeats < 2 || !(budgetSeconds > 0)) {
      throw new IllegalArgumentException("stopwatch needs warmup >= 0, repeats >= 2, budget > 0; got "
          + warmup + ", " + repeats + ", " + budgetSeconds);
    }
  }

  /** Items per second of {@code work}, which handles {@code items} items per run. */
  public Measurement rate(double items, Runnable work) {
    for (int i = 0; i < warmup; i++) {
      work.run();
    }
    double[] rates = new double[repeats];
    int n = 0;
    long start = System.nanoTime();
    while (n < repeats && (n < 2 || (System.nanoTime() - start) / 1e9 < budgetSeconds)) {
      System.gc();
      long t0 = System.nanoTime();
      work.run();
      rates[n++] = items / ((System.nanoTime() - t0) / 1e9);
    }
    return Measurement.of(java.util.Arrays.copyOf(rates, n));
  }

  /** The same stopwatch with fewer repeats (for figures that cost many network evaluations each). */
  public Stopwatch withRepeats(int newRepeats) {
    return new Stopwatch(warmup, Math.max(2, newRepeats), budgetSeconds);
  }
}
