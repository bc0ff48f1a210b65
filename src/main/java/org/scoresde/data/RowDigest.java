package org.scoresde.data;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The per-row part of the content checksum ({@value #ALGORITHM}): SHA-256 over index (int64), label,
 * channels, height, width (int32 each), then the pixel bytes, or each float's IEEE-754 bits (int32),
 * all big-endian; the first 8 bytes of the digest read as a big-endian int64. The dataset checksum is
 * the sum of these over all rows modulo 2^64, so it does not depend on the row order, the shard
 * count, the seed or how Spark partitioned the work.
 */
public final class RowDigest {
  public static final String ALGORITHM = "sha256-sum64-v1";
  private final MessageDigest sha;
  private final ByteBuffer header = ByteBuffer.allocate(24);
  private ByteBuffer floats = ByteBuffer.allocate(0);

  public RowDigest() {
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from this JVM", e);
    }
  }

  /** The 64-bit digest of one example of the given shape. */
  public long of(Example e, int channels, int height, int width) {
    sha.reset();
    header.clear();
    header.putLong(e.index()).putInt(e.label()).putInt(channels).putInt(height).putInt(width);
    sha.update(header.array(), 0, 24);
    if (e.pixels() != null) {
      sha.update(e.pixels());
    } else {
      float[] v = e.values();
      if (floats.capacity() < 4 * v.length) {
        floats = ByteBuffer.allocate(4 * v.length);
      }
      floats.clear();
      for (float f : v) {
        floats.putInt(Float.floatToIntBits(f));
      }
      sha.update(floats.array(), 0, 4 * v.length);
    }
    return ByteBuffer.wrap(sha.digest()).getLong();
  }

  /** The checksum's text form: 16 lowercase hex digits. */
  public static String hex(long sum) {
    return String.format("%016x", sum);
  }
}
