package org.scoresde.bench;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * The first n Fashion-MNIST training images and labels, copied into plain IDX files for the shard
 * job, so the Spark figures train on real images without sharding all 60 000.
 */
record FashionMnistSubset(Path images, Path labels, int count, byte[] pixels) {
  static final int SIDE = 28;

  /** Writes the subset of the gzip IDX files in {@code source} into {@code dir}. */
  static FashionMnistSubset write(Path source, int n, Path dir) throws IOException {
    Path imagesGz = source.resolve("train-images-idx3-ubyte.gz");
    Path labelsGz = source.resolve("train-labels-idx1-ubyte.gz");
    if (!Files.isRegularFile(imagesGz) || !Files.isRegularFile(labelsGz)) {
      throw new IOException("Fashion-MNIST is not at " + source + " (apt-get install dataset-fashion-mnist)");
    }
    Files.createDirectories(dir);
    byte[] pixels = copy(imagesGz, dir.resolve("images-idx3-ubyte"), 16, n, SIDE * SIDE);
    copy(labelsGz, dir.resolve("labels-idx1-ubyte"), 8, n, 1);
    return new FashionMnistSubset(dir.resolve("images-idx3-ubyte"), dir.resolve("labels-idx1-ubyte"), n, pixels);
  }

  /** Copies the header (with the count replaced by n) and n records; returns the records. */
  private static byte[] copy(Path gz, Path target, int headerBytes, int n, int recordBytes) throws IOException {
    try (InputStream raw = new GZIPInputStream(Files.newInputStream(gz), 1 << 16);
         DataInputStream in = new DataInputStream(raw);
         OutputStream os = Files.newOutputStream(target);
         DataOutputStream out = new DataOutputStream(os)) {
      byte[] header = new byte[headerBytes];
      in.readFully(header);
      int available = ((header[4] & 0xff) << 24) | ((header[5] & 0xff) << 16) | ((header[6] & 0xff) << 8) | (header[7] & 0xff);
      if (n > available) {
        throw new IOException(gz + " holds " + available + " records, fewer than " + n);
      }
      out.write(header, 0, 4);
      out.writeInt(n);
      out.write(header, 8, headerBytes - 8);
      byte[] records = new byte[n * recordBytes];
      in.readFully(records);
      out.write(records);
      return records;
    }
  }
}
