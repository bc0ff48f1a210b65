package org.scoresde.testing;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.scoresde.bench.LocalStandaloneCluster;

/**
 * A real Spark standalone cluster for tests (see {@link LocalStandaloneCluster}): a master and N
 * workers in JVMs of their own; the project's classes reach the executors only through
 * {@link #applicationJar()} as spark.jars, as in a real deployment.
 */
public final class StandaloneCluster implements AutoCloseable {
  private final LocalStandaloneCluster cluster;

  private StandaloneCluster(LocalStandaloneCluster cluster) {
    this.cluster = cluster;
  }

  /** Starts a master and {@code workers} workers with {@code coresPerWorker} cores and {@code memory} (e.g. "2g") each. */
  public static StandaloneCluster start(Path dir, int workers, int coresPerWorker, String memory) throws Exception {
    return new StandaloneCluster(LocalStandaloneCluster.startWithApplicationJar(dir, workers, coresPerWorker, memory));
  }

  public String masterUrl() {
    return cluster.masterUrl();
  }

  /** A jar of the project's compiled classes (main and test), to pass as spark.jars. */
  public Path applicationJar() {
    return cluster.applicationJar().orElseThrow();
  }

  /** The PIDs of the executor JVMs currently running under the workers. */
  public List<Long> executorPids() {
    return cluster.executorPids();
  }

  /** The PID of the executor JVM of application {@code appId} and executor id {@code executorId}, if alive. */
  public OptionalLong executorPid(String appId, String executorId) {
    return cluster.executorPid(appId, executorId);
  }

  @Override
  public void close() {
    cluster.close();
  }
}
