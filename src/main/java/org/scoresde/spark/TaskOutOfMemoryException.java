package org.scoresde.spark;

import java.util.Optional;
import org.scoresde.config.UserError;

/**
 * A task that ran out of memory, thrown in place of the OutOfMemoryError so that Spark fails the task
 * and reports it to the driver instead of killing the executor's JVM (which it does for an error it
 * deems fatal), and so that the driver can name the setting to lower in one line.
 */
final class TaskOutOfMemoryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * The error's message without the error itself as the cause: Spark looks down the cause chain for
   * fatal errors (spark.executor.killOnFatalError.depth) and would still kill the JVM.
   */
  TaskOutOfMemoryException(String what, OutOfMemoryError error) {
    super(what + ": " + error);
  }

  /**
   * The message of a {@link TaskOutOfMemoryException} that ended a Spark job, found in the chain of
   * {@code failure} (on the driver it arrives inside a SparkException's text).
   */
  static Optional<String> in(Throwable failure) {
    String marker = TaskOutOfMemoryException.class.getName() + ": ";
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof TaskOutOfMemoryException) {
        return Optional.of(t.getMessage());
      }
      String m = t.getMessage();
      int at = m == null ? -1 : m.indexOf(marker);
      if (at >= 0) {
        String rest = m.substring(at + marker.length());
        int end = rest.indexOf('\n');
        return Optional.of((end < 0 ? rest : rest.substring(0, end)).trim());
      }
    }
    return Optional.empty();
  }

  /**
   * The one-line error for a job that {@code failure} ended, when a task ran out of memory: what the
   * task was doing, the setting to lower ({@code lower}) and how to give tasks more memory.
   */
  static Optional<UserError> explain(Throwable failure, String job, String lower) {
    return in(failure).map(what -> new UserError(job + " ran out of memory in a task (" + what + "); lower " + lower
        + " or give each task more memory (SCORE_SDE_HEAP and SCORE_SDE_OFFHEAP with the launcher;"
        + " spark.executor.memory, spark.executor.memoryOverhead and -Dorg.bytedeco.javacpp.maxbytes on a cluster)"));
  }
}
