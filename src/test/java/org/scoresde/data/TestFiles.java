package org.scoresde.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;

/** Writes small datasets with known pixels (IDX, CIFAR-10 batches, PNG/JPEG) and reads planned inputs back, for tests. */
public final class TestFiles {
  private TestFiles() {}

  /** Pixel j of example i: a pattern that differs between examples and positions. */
  public static byte pixel(long i, int j) {
    return (byte) ((i * 31 + j * 7 + (j * j) / 5) & 0xFF);
  }

  public static byte[] pixels(long i, int size) {
    byte[] p = new byte[size];
    for (int j = 0; j < size; j++) {
      p[j] = pixel(i, j);
    }
    return p;
  }

  /** IDX images file: n images of rows x cols from {@link #pixels}. */
  public static byte[] idxImages(int n, int rows, int cols) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    d.writeInt(IdxHeader.IMAGES);
    d.writeInt(n);
    d.writeInt(rows);
    d.writeInt(cols);
    for (int i = 0; i < n; i++) {
      d.write(pixels(i, rows * cols));
    }
    return b.toByteArray();
  }

  /** IDX labels file: label of example i is i mod 10. */
  public static byte[] idxLabels(int n) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    d.writeInt(IdxHeader.LABELS);
    d.writeInt(n);
    for (int i = 0; i < n; i++) {
      d.write(i % 10);
    }
    return b.toByteArray();
  }

  public static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (OutputStream z = new GZIPOutputStream(b)) {
      z.write(data);
    }
    return b.toByteArray();
  }

  /** A CIFAR-10 batch of n records, global indices first..first+n-1: label (index*3) mod 10, pixels from {@link #pixels}. */
  public static byte[] cifarBatch(long first, int n) {
    byte[] out = new byte[n * Cifar10Input.RECORD];
    for (int r = 0; r < n; r++) {
      long i = first + r;
      out[r * Cifar10Input.RECORD] = (byte) ((i * 3) % 10);
      System.arraycopy(pixels(i, Cifar10Input.PIXELS), 0, out, r * Cifar10Input.RECORD + 1, Cifar10Input.PIXELS);
    }
    return out;
  }

  public static int cifarLabel(long i) {
    return (int) ((i * 3) % 10);
  }

  /** A grey image whose pixels are {@link #pixels}(seed) row-major. */
  public static BufferedImage grey(long seed, int h, int w) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    byte[] p = pixels(seed, h * w);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.getRaster().setSample(x, y, 0, p[y * w + x] & 0xFF);
      }
    }
    return img;
  }

  /** An RGB image whose C,H,W pixels are {@link #pixels}(seed). */
  public static BufferedImage rgb(long seed, int h, int w) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    byte[] p = pixels(seed, 3 * h * w);
    int plane = h * w;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int i = y * w + x;
        img.setRGB(x, y, ((p[i] & 0xFF) << 16) | ((p[plane + i] & 0xFF) << 8) | (p[2 * plane + i] & 0xFF));
      }
    }
    return img;
  }

  public static void write(BufferedImage img, String format, Path file) throws IOException {
    Files.createDirectories(file.getParent());
    if (!ImageIO.write(img, format, file.toFile())) {
      throw new IOException("no ImageIO writer for " + format);
    }
  }

  /** Every example of a planned input, read split by split in this thread. */
  public static <S extends java.io.Serializable> List<Example> readAll(PlannedInput<S> in, Configuration conf) throws IOException {
    List<Example> out = new ArrayList<>();
    for (S s : in.splits()) {
      try (CloseableIterator<Example> it = in.reader().open(s, conf)) {
        it.forEachRemaining(out::add);
      }
    }
    return out;
  }

  public static Path put(Path file, byte[] data) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, data);
    return file;
  }

  public static byte[] truncate(byte[] data, int drop) {
    return Arrays.copyOf(data, data.length - drop);
  }
}
