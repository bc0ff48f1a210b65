package org.scoresde.data;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The header of an IDX file (the MNIST family's format): a big-endian magic number
 * {@code 0x0000TTDD} (type TT = 0x08 for unsigned bytes, DD dimensions), then DD big-endian int32
 * sizes. Images files are 0x00000803 (count, rows, columns); labels files 0x00000801 (count).
 */
public record IdxHeader(int magic, int[] dims) {
  public static final int IMAGES = 0x00000803;
  public static final int LABELS = 0x00000801;

  /** Header bytes before the first record. */
  public int bytes() {
    return 4 + 4 * dims.length;
  }

  /** Reads a header from the start of {@code in}, requiring {@code expected} as magic number. */
  public static IdxHeader read(InputStream in, String file, int expected) throws IOException {
    DataInputStream d = new DataInputStream(in);
    int magic;
    try {
      magic = d.readInt();
    } catch (EOFException e) {
      throw new InputProblem(file, "empty or truncated: no IDX header");
    }
    if (magic != expected) {
      String hint = magic == LABELS ? " (this is an IDX labels file; pass it with --labels)"
          : magic == IMAGES ? " (this is an IDX images file; pass it with --input)"
          : " (not an IDX unsigned-byte file)";
      throw new InputProblem(file, String.format("wrong magic number 0x%08x, expected 0x%08x%s", magic, expected, hint));
    }
    int[] dims = new int[magic & 0xFF];
    try {
      for (int i = 0; i < dims.length; i++) {
        dims[i] = d.readInt();
      }
    } catch (EOFException e) {
      throw new InputProblem(file, "truncated IDX header");
    }
    for (int v : dims) {
      if (v < 0) {
        throw new InputProblem(file, "corrupt IDX header: negative size in " + Arrays.toString(dims));
      }
    }
    return new IdxHeader(magic, dims);
  }
}
