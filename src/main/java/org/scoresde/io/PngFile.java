package org.scoresde.io;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import javax.imageio.ImageIO;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Writes a picture as PNG to any Hadoop filesystem (the jobs' image outputs: samples, strips, grids). */
public final class PngFile {
  private PngFile() {}

  /** Writes {@code img} to {@code p}, replacing it. */
  public static void write(FileSystem fs, Path p, BufferedImage img) throws IOException {
    try (OutputStream o = fs.create(p, true)) {
      if (!ImageIO.write(img, "png", o)) {
        throw new IOException("no PNG writer");
      }
    }
  }
}
