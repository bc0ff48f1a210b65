package org.scoresde.data;

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
}
