package org.scoresde.data;

import java.io.Serializable;

/** A target image size given as {@code HxW} (e.g. {@code 32x32}). */
public record Resize(int height, int width) implements Serializable {
  public Resize {
    if (height < 1 || width < 1 || height > 16384 || width > 16384) {
      throw new IllegalArgumentException("image size " + height + "x" + width + " is out of range 1..16384");
    }
  }

  /** Parses {@code HxW}; an {@link IllegalArgumentException} says what is wrong. */
  public static Resize parse(String text) {
    String[] p = text.trim().toLowerCase().split("x");
    if (p.length != 2) {
      throw new IllegalArgumentException("--resize needs HEIGHTxWIDTH such as 32x32, got '" + text + "'");
    }
    try {
      return new Resize(Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--resize needs HEIGHTxWIDTH such as 32x32, got '" + text + "'");
    }
  }

  @Override
  public String toString() {
    return height + "x" + width;
  }
}
