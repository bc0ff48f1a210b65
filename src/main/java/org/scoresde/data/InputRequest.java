package org.scoresde.data;

import java.util.ArrayList;
import java.util.List;
import org.scoresde.io.InputPath;

/**
 * What the user asked to read: the format, the input path (a file or a folder, any Hadoop URI), an
 * optional labels file (IDX), an optional split name, an optional image size, and the target
 * uncompressed bytes per read task.
 */
public record InputRequest(ShardFormat format, String input, String labels, String split, Resize resize, long splitBytes) {
  public InputRequest {
    if (splitBytes < 1) {
      throw new IllegalArgumentException("split bytes must be positive, got " + splitBytes);
    }
  }

  /** The files this request reads, which an output must stay apart from. */
  public List<InputPath> paths() {
    List<InputPath> paths = new ArrayList<>();
    paths.add(new InputPath("--input", input));
    if (labels != null && !labels.isEmpty()) {
      paths.add(new InputPath("--labels", labels));
    }
    return paths;
  }
}
