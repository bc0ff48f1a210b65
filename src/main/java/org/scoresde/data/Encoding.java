package org.scoresde.data;

/**
 * How the examples of a sharded dataset are stored: 8-bit pixels (images, to be dequantized by the
 * likelihood) or 32-bit float vectors (continuous data, no dequantization).
 */
public enum Encoding {
  /** Unsigned bytes 0..255 in the {@code pixels} column, flattened in C,H,W order. */
  UINT8("uint8", ShardSchema.PIXELS),
  /** IEEE floats in the {@code values} column, flattened in C,H,W order. */
  FLOAT32("float32", ShardSchema.VALUES);

  private final String id;
  private final String column;

  Encoding(String id, String column) {
    this.id = id;
    this.column = column;
  }

  /** The name written in manifest.json. */
  public String id() {
    return id;
  }

  /** The Parquet column that carries the data of one example. */
  public String column() {
    return column;
  }

  public static Encoding of(String id) {
    for (Encoding e : values()) {
      if (e.id.equals(id)) {
        return e;
      }
    }
    throw new IllegalArgumentException("unknown encoding '" + id + "' (uint8 or float32)");
  }
}
