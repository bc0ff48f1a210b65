package org.scoresde.bench;

import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Sets the number of threads ND4J's native ops and BLAS use for one stretch of the benchmark and
 * puts the previous numbers back on close: the single-process figures run at the peer's thread
 * count, the Spark figures at the launcher's one thread per task.
 */
final class Nd4jThreads implements AutoCloseable {
  private final int maxThreads;
  private final int masterThreads;
  private final int blasThreads;

  private Nd4jThreads(int maxThreads, int masterThreads, int blasThreads) {
    this.maxThreads = maxThreads;
    this.masterThreads = masterThreads;
    this.blasThreads = blasThreads;
  }

  /** Uses {@code n} threads until closed. */
  static Nd4jThreads use(int n) {
    Environment env = Nd4j.getEnvironment();
    Nd4jThreads previous = new Nd4jThreads(env.maxThreads(), env.maxMasterThreads(), Nd4j.factory().blas().getMaxThreads());
    apply(n, n, n);
    return previous;
  }

  /** The number of threads ND4J's native ops use now. */
  static int current() {
    return Nd4j.getEnvironment().maxMasterThreads();
  }

  private static void apply(int max, int master, int blas) {
    Environment env = Nd4j.getEnvironment();
    env.setMaxThreads(max);
    env.setMaxMasterThreads(master);
    Nd4j.factory().blas().setMaxThreads(blas);
  }

  @Override
  public void close() {
    apply(maxThreads, masterThreads, blasThreads);
  }
}
