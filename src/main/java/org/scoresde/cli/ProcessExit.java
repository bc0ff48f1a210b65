package org.scoresde.cli;

/**
 * How {@code main} ends the process with a command's exit code. Everywhere but one place that is
 * System.exit (Spark, ND4J and Hadoop leave non-daemon threads behind). The exception is YARN's cluster
 * deploy mode, where main runs in a thread of Spark's application master: a System.exit there runs the
 * master's shutdown hook before it has reported a final status, and YARN records the application as
 * FAILED ("Shutdown hook called before final status was reported") even after a command that succeeded.
 * There main returns on success, so that the master reports SUCCEEDED, and throws on failure, so that it
 * reports FAILED with the exit code in the application's diagnostics.
 */
final class ProcessExit {
  private ProcessExit() {}

  static void exit(int code) {
    if (inYarnApplicationMaster()) {
      if (code != 0) {
        throw new CommandFailed(code);
      }
      return;
    }
    System.exit(code);
  }

  /** What Spark's ApplicationMaster sets in cluster deploy mode before it calls the main class (SparkContext checks the same). */
  static boolean inYarnApplicationMaster() {
    return System.getProperty("spark.yarn.app.id") != null && "cluster".equals(System.getProperty("spark.submit.deployMode"));
  }

  /** A command that ended with a non-zero exit code in YARN's application master. */
  static final class CommandFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CommandFailed(int code) {
      super("score-sde exited with code " + code + "; its error: line is in the driver's stderr (yarn logs -applicationId ...)");
    }
  }
}
