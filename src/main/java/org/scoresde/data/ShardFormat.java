package org.scoresde.data;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The input formats {@code shard} reads, with the encoding each one produces. */
public enum ShardFormat {
  /** IDX files of the MNIST family (images magic 0x803, labels 0x801), plain or gzip. */
  IDX("idx", Encoding.UINT8),
  /** CIFAR-10 binary batches: 1 label byte and 3072 pixel bytes (R, G, B planes of 32x32) per record. */
  CIFAR10("cifar10", Encoding.UINT8),
  /** A folder tree of PNG or JPEG files; the top-level sub-folder, if any, names the class. */
  IMAGES("images", Encoding.UINT8),
  /** Text files of comma-separated floats, one example per line. */
  CSV("csv", Encoding.FLOAT32);

  private final String id;
  private final Encoding encoding;

  ShardFormat(String id, Encoding encoding) {
    this.id = id;
    this.encoding = encoding;
  }

  public String id() {
    return id;
  }

  public Encoding encoding() {
    return encoding;
  }

  /** The format named {@code id}; an {@link IllegalArgumentException} listing the choices otherwise. */
  public static ShardFormat of(String id) {
    for (ShardFormat f : values()) {
      if (f.id.equalsIgnoreCase(id)) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown format '" + id + "'; choose one of "
        + Arrays.stream(values()).map(ShardFormat::id).collect(Collectors.joining(", ")));
  }
}
