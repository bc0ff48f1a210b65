package org.scoresde.data;

import java.io.Serializable;
import java.util.List;

/**
 * What the driver learned about an input before reading it in parallel: its format, how many
 * examples it holds, their shape, and the class names when the input names its classes.
 */
public record Layout(ShardFormat format, long count, int height, int width, int channels, List<String> classes)
    implements Serializable {

  public Layout {
    classes = classes == null ? null : List.copyOf(classes);
  }

  public Encoding encoding() {
    return format.encoding();
  }

  /** Values per example: channels x height x width. */
  public int size() {
    return channels * height * width;
  }

  public Layout withCount(long n) {
    return new Layout(format, n, height, width, channels, classes);
  }
}
