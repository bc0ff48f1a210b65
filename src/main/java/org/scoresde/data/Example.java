package org.scoresde.data;

import java.io.Serializable;

/**
 * One example as read from the input: its position in the input order, its label ({@link #UNLABELLED}
 * when the input has none), and either 8-bit pixels or float values, flattened in C,H,W order.
 */
public record Example(long index, int label, byte[] pixels, float[] values) implements Serializable {
  public static final int UNLABELLED = -1;

  public static Example ofPixels(long index, int label, byte[] pixels) {
    return new Example(index, label, pixels, null);
  }

  public static Example ofValues(long index, int label, float[] values) {
    return new Example(index, label, null, values);
  }

  /** The same example under another index (a slice renumbers what it keeps). */
  public Example withIndex(long newIndex) {
    return new Example(newIndex, label, pixels, values);
  }

  /** The number of stored values (pixels or floats). */
  public int size() {
    return pixels != null ? pixels.length : values.length;
  }
}
