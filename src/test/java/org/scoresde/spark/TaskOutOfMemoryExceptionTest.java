package org.scoresde.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class TaskOutOfMemoryExceptionTest {

  @Test
  void aTaskOutOfMemoryFailsTheJobWithItsMessageAndSparesTheJvm() {
    SparkSession spark = SparkSessions.create("oom-test", "local[1]");
    try {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      Exception failure = assertThrows(Exception.class, () -> jsc.parallelize(List.of(1, 2), 1).map(i -> {
        try {
          // a real OutOfMemoryError from the JVM ("Requested array size exceeds VM limit")
          long[] huge = new long[Integer.MAX_VALUE];
          return huge.length;
        } catch (OutOfMemoryError e) {
          throw new TaskOutOfMemoryException("out of memory integrating a batch of 2 examples", e);
        }
      }).collect());
      Optional<String> found = TaskOutOfMemoryException.in(failure);
      System.out.println("driver sees: " + found.orElse("(nothing)"));
      assertTrue(found.isPresent(), "not found in " + failure);
      assertTrue(found.get().startsWith("out of memory integrating a batch of 2 examples: "), found.get());
      assertTrue(!found.get().contains("\n"), "one line");
      // Spark failed the task instead of killing the JVM: the same context runs the next job
      assertEquals(3, jsc.parallelize(List.of(1, 2, 3), 1).count());
      assertTrue(TaskOutOfMemoryException.in(new IllegalStateException("other", new RuntimeException())).isEmpty());
    } finally {
      spark.stop();
    }
  }
}
