package org.scoresde.image;

import java.awt.image.BufferedImage;
import java.util.List;
import org.scoresde.data.DataTransform;

/**
 * Lays out model-space examples (rows of C*H*W values in C, H, W order) as one image: a grid of
 * samples, or a strip per trajectory (one row per example, one column per time). Values map back
 * to 8-bit pixels through the data transform's inverse; 1 channel is grey, 3 are RGB.
 */
public final class ImageGrid {
  private static final int PAD = 2;

  private ImageGrid() {}

  /** A grid with {@code columns} examples per row. */
  public static BufferedImage grid(List<float[]> examples, int channels, int height, int width, DataTransform t, int columns) {
    int n = examples.size();
    int cols = Math.max(1, Math.min(columns, n));
    int rows = (n + cols - 1) / cols;
    BufferedImage img = canvas(rows, cols, height, width);
    for (int i = 0; i < n; i++) {
      paint(img, examples.get(i), channels, height, width, t, i / cols, i % cols);
    }
    return img;
  }

  /** One row per example and one column per step: {@code steps.get(k)[i]} is example i at step k. */
  public static BufferedImage strip(List<float[][]> steps, int channels, int height, int width, DataTransform t) {
    int cols = steps.size();
    int rows = steps.isEmpty() ? 0 : steps.get(0).length;
    BufferedImage img = canvas(Math.max(rows, 1), Math.max(cols, 1), height, width);
    for (int k = 0; k < cols; k++) {
      for (int i = 0; i < rows; i++) {
        paint(img, steps.get(k)[i], channels, height, width, t, i, k);
      }
    }
    return img;
  }

  /** The 8-bit level of a model-space value (the inverse of the dequantizing map, clamped). */
  static int toPixel(DataTransform t, double y) {
    double level = t.isDequantized() ? (y - t.low()) / (t.high() - t.low()) * t.levels() : y * 255.0;
    return (int) Math.max(0, Math.min(255, Math.floor(level)));
  }

  private static BufferedImage canvas(int rows, int cols, int height, int width) {
    BufferedImage img = new BufferedImage(cols * (width + PAD) + PAD, rows * (height + PAD) + PAD, BufferedImage.TYPE_INT_RGB);
    var g = img.createGraphics();
    g.setColor(java.awt.Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    g.dispose();
    return img;
  }

  private static void paint(BufferedImage img, float[] x, int channels, int height, int width, DataTransform t, int row, int col) {
    int x0 = PAD + col * (width + PAD);
    int y0 = PAD + row * (height + PAD);
    int plane = height * width;
    for (int y = 0; y < height; y++) {
      for (int xx = 0; xx < width; xx++) {
        int p = y * width + xx;
        int r;
        int g;
        int b;
        if (channels >= 3) {
          r = toPixel(t, x[p]);
          g = toPixel(t, x[plane + p]);
          b = toPixel(t, x[2 * plane + p]);
        } else {
          r = g = b = toPixel(t, x[p]);
        }
        img.setRGB(x0 + xx, y0 + y, (r << 16) | (g << 8) | b);
      }
    }
  }
}
