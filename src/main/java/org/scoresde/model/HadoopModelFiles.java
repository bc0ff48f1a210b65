package org.scoresde.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.scoresde.config.UserError;
import org.scoresde.io.ChecksumFile;

/**
 * Model files on any Hadoop filesystem (file:, hdfs:, s3a:): the bytes of {@link ModelFile} with
 * the SHA-256 file beside them, written through a temporary name and a rename, and verified on read.
 */
public final class HadoopModelFiles {
  private HadoopModelFiles() {}

  /** A model file's verified bytes and their SHA-256. */
  public record Bytes(byte[] bytes, String sha256) implements java.io.Serializable {}

  /**
   * Writes a model file's bytes (from {@link ModelFile#toBytes}) to {@code file} through a temporary
   * name and a rename, with its SHA-256 file beside it.
   */
  public static void write(FileSystem fs, Path file, byte[] bytes) throws IOException {
    String sha = ChecksumFile.sha256(bytes);
    Path tmp = new Path(file.getParent(), "." + file.getName() + ".tmp");
    try (OutputStream o = fs.create(tmp, true)) {
      o.write(bytes);
    }
    try (OutputStream o = fs.create(new Path(file.getParent(), file.getName() + ChecksumFile.SUFFIX), true)) {
      o.write(ChecksumFile.line(sha, file.getName()).getBytes(StandardCharsets.UTF_8));
    }
    fs.delete(file, false);
    if (!fs.rename(tmp, file)) {
      throw new IOException("cannot rename " + tmp + " to " + file);
    }
  }

  /** Reads a model file and its checksum; refuses a missing, corrupt or tampered one with a UserError. */
  public static Bytes read(FileSystem fs, Path file) {
    try {
      if (!fs.exists(file)) {
        throw new UserError("model " + file + " does not exist");
      }
      Path sum = new Path(file.getParent(), file.getName() + ChecksumFile.SUFFIX);
      if (!fs.exists(sum)) {
        throw new UserError("model " + file + " has no " + sum.getName() + " beside it: not a score-sde model file, or incomplete");
      }
      byte[] bytes;
      String content;
      try (InputStream in = fs.open(file)) {
        bytes = in.readAllBytes();
      }
      try (InputStream in = fs.open(sum)) {
        content = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      String expected = ChecksumFile.parse(content, sum.toString());
      ChecksumFile.verify(bytes, expected, file.toString());
      return new Bytes(bytes, expected);
    } catch (ModelFileException | ChecksumFile.Untrusted e) {
      throw new UserError(e.getMessage());
    } catch (IOException e) {
      throw new UserError("cannot read model " + file + ": " + e.getMessage());
    }
  }

  /** The network and metadata of verified model bytes. */
  public static ModelFile.Model open(Bytes b, String what) {
    try {
      return ModelFile.fromBytes(b.bytes(), b.sha256(), what, false);
    } catch (IOException e) {
      throw new UserError("model " + what + " is not a readable score-sde model: " + e.getMessage());
    }
  }
}
