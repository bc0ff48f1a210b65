package org.scoresde.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Writes text (UTF-8) and JSON documents to any Hadoop filesystem: the jobs' small outputs (sample.json, nll.json, CSV). */
public final class TextFile {
  private TextFile() {}

  /** Writes {@code text} to {@code p}, replacing it. */
  public static void write(FileSystem fs, Path p, String text) throws IOException {
    try (OutputStream o = fs.create(p, true)) {
      o.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Writes {@code json} pretty-printed, with a final newline, to {@code p}, replacing it. */
  public static void writeJson(FileSystem fs, Path p, JsonNode json) throws IOException {
    write(fs, p, json.toPrettyString() + "\n");
  }
}
