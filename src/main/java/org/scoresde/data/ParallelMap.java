package org.scoresde.data;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * Runs a small task on each item of a list, possibly on a cluster, and returns the results in list
 * order. Input planning uses it for work that touches many files (probing image headers, counting
 * CSV lines) while staying testable without Spark through {@link #sequential(Configuration)}.
 */
public interface ParallelMap {

  /** A task on one item; it gets a Hadoop configuration to open files with. */
  interface Task<A, B> extends Serializable {
    B apply(A item, Configuration conf) throws IOException;
  }

  <A extends Serializable, B extends Serializable> List<B> map(List<A> items, Task<A, B> task) throws IOException;

  /** How many tasks can run at once; planning aims for at least this many splits. */
  int parallelism();

  /** Runs the tasks one after the other in this thread. */
  static ParallelMap sequential(Configuration conf) {
    return new ParallelMap() {
      @Override
      public <A extends Serializable, B extends Serializable> List<B> map(List<A> items, Task<A, B> task) throws IOException {
        List<B> out = new ArrayList<>(items.size());
        for (A a : items) {
          out.add(task.apply(a, conf));
        }
        return out;
      }

      @Override
      public int parallelism() {
        return 2;
      }
    };
  }
}
