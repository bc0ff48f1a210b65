package org.scoresde.data;

import java.io.IOException;
import java.io.Serializable;
import org.apache.hadoop.conf.Configuration;

/** Reads the examples of one split of a planned input; runs in executors, so it is serializable and small. */
public interface SplitReader<S> extends Serializable {
  /** The examples of {@code split} in index order; an {@link InputProblem} names a bad file. */
  CloseableIterator<Example> open(S split, Configuration conf) throws IOException;
}
