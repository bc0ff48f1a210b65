package org.scoresde.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * PNG and JPEG files to 8-bit pixels in C,H,W order with Java's ImageIO: a cheap header probe (size,
 * grey or colour) and a full decode. Grey images keep their stored samples (16-bit and low-bit-depth
 * samples are rescaled to 0..255), colour images go through their colour model to 8-bit sRGB, alpha
 * is dropped, and a grey image in a colour dataset is repeated into 3 channels. Decoder warnings
 * (such as a truncated JPEG) count as corruption.
 */
public final class ImageDecoder {
  private ImageDecoder() {}

  /** What the header says: the size, 1 (grey) or 3 (colour) channels, and "png" or "jpeg". */
  public record Info(int height, int width, int channels, String format) {}

  /** Reads only as much of the file as the header needs. */
  public static Info probe(InputStream in, String file) throws IOException {
    try (ImageInputStream iis = new MemoryCacheImageInputStream(in)) {
      ImageReader reader = readerFor(iis, file);
      try {
        reader.setInput(iis, true, true);
        ImageTypeSpecifier type = reader.getRawImageType(0);
        if (type == null) {
          Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
          type = types.hasNext() ? types.next() : null;
        }
        if (type == null) {
          throw new InputProblem(file, "unsupported image type");
        }
        return new Info(reader.getHeight(0), reader.getWidth(0), isGrey(type.getColorModel()) ? 1 : 3, format(reader));
      } catch (IOException | IllegalArgumentException | IllegalStateException | IndexOutOfBoundsException e) {
        throw new InputProblem(file, "corrupt image header (" + e.getMessage() + ")");
      } finally {
        reader.dispose();
      }
    }
  }

  /** Decodes the whole image to {@code channels} (1 or 3) planes of 8-bit pixels. */
  public static Decoded decode(InputStream in, String file, int channels) throws IOException {
    BufferedImage img;
    try (ImageInputStream iis = new MemoryCacheImageInputStream(in)) {
      ImageReader reader = readerFor(iis, file);
      List<String> warnings = new ArrayList<>();
      reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
      try {
        reader.setInput(iis, true, true);
        img = reader.read(0);
      } catch (IOException | IllegalArgumentException | IllegalStateException | IndexOutOfBoundsException e) {
        throw new InputProblem(file, "corrupt or truncated image (" + rootMessage(e) + ")");
      } finally {
        reader.dispose();
      }
      if (!warnings.isEmpty()) {
        throw new InputProblem(file, "corrupt or truncated image (" + warnings.get(0) + ")");
      }
    }
    return new Decoded(img.getHeight(), img.getWidth(), toChw(img, channels, file));
  }

  /** A decoded image: its size and its pixels in C,H,W order. */
  public record Decoded(int height, int width, byte[] pixels) {}

  private static ImageReader readerFor(ImageInputStream iis, String file) {
    Iterator<ImageReader> readers = ImageIO.getImageReaders(iis);
    if (!readers.hasNext()) {
      throw new InputProblem(file, "not a PNG or JPEG image");
    }
    ImageReader reader = readers.next();
    String format = format(reader);
    if (!format.equals("png") && !format.equals("jpeg")) {
      reader.dispose();
      throw new InputProblem(file, "is a " + format.toUpperCase(Locale.ROOT) + " image; only PNG and JPEG are read");
    }
    return reader;
  }

  private static String format(ImageReader reader) {
    try {
      return reader.getFormatName().toLowerCase(Locale.ROOT);
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static boolean isGrey(ColorModel cm) {
    if (cm instanceof IndexColorModel icm) {
      for (int i = 0; i < icm.getMapSize(); i++) {
        if (icm.getRed(i) != icm.getGreen(i) || icm.getGreen(i) != icm.getBlue(i)) {
          return false;
        }
      }
      return true;
    }
    return cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY;
  }

  private static byte[] toChw(BufferedImage img, int channels, String file) {
    int h = img.getHeight();
    int w = img.getWidth();
    int plane = h * w;
    byte[] out = new byte[channels * plane];
    ColorModel cm = img.getColorModel();
    if (isGrey(cm)) {
      int[] grey = new int[plane];
      if (cm instanceof IndexColorModel) {
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < plane; i++) {
          grey[i] = argb[i] & 0xFF;
        }
      } else {
        Raster r = img.getRaster();
        r.getSamples(0, 0, w, h, 0, grey);
        int bits = cm.getComponentSize(0);
        if (bits != 8) {
          long max = (1L << bits) - 1;
          for (int i = 0; i < plane; i++) {
            grey[i] = (int) ((grey[i] * 255L + max / 2) / max);
          }
        }
      }
      for (int c = 0; c < channels; c++) {
        for (int i = 0; i < plane; i++) {
          out[c * plane + i] = (byte) grey[i];
        }
      }
      return out;
    }
    if (channels != 3) {
      throw new InputProblem(file, "is a colour image in a dataset decoded as grey");
    }
    int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
    for (int i = 0; i < plane; i++) {
      out[i] = (byte) (argb[i] >>> 16);
      out[plane + i] = (byte) (argb[i] >>> 8);
      out[2 * plane + i] = (byte) argb[i];
    }
    return out;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : (t == e ? m : e.getMessage() + ": " + m);
  }
}
