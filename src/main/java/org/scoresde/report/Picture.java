package org.scoresde.report;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.awt.image.BufferedImage;
import javax.imageio.ImageIO;
import org.scoresde.config.UserError;

/**
 * A PNG image of the report (a plot it drew, or a sample grid or trajectory strip it copied): its
 * file name inside the report's image folder, a title, the encoded bytes and the pixel size.
 */
public record Picture(String file, String title, byte[] png, int width, int height) {

  /** Wraps PNG bytes read from {@code source}, checking that they decode to an image. */
  public static Picture of(String file, String title, byte[] png, String source) {
    BufferedImage img;
    try {
      img = ImageIO.read(new ByteArrayInputStream(png));
    } catch (IOException e) {
      throw new UserError(source + " is not a readable image: " + e.getMessage());
    }
    if (img == null) {
      throw new UserError(source + " is not a readable image (expected a PNG)");
    }
    return new Picture(file, title, png, img.getWidth(), img.getHeight());
  }
}
