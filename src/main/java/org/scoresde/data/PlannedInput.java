package org.scoresde.data;

import java.io.Serializable;
import java.util.List;

/**
 * An input checked and planned on the driver: its layout, the splits to read in parallel (each a
 * small serializable description such as a file and a record range), the reader that turns a split
 * into examples, and the source files for the manifest.
 */
public record PlannedInput<S extends Serializable>(Layout layout, List<S> splits, SplitReader<S> reader,
    List<String> sources) {
  public PlannedInput {
    splits = List.copyOf(splits);
    sources = List.copyOf(sources);
  }
}
