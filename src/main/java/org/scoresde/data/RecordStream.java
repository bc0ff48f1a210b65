package org.scoresde.data;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;

/**
 * A stream of fixed-size records from a plain or gzip file, opened at an offset of the uncompressed
 * content: plain files seek; gzip files, which cannot seek, are decompressed from the start and the
 * bytes before the offset discarded. Short reads and damaged gzip data become {@link InputProblem}s.
 */
final class RecordStream implements Closeable {
  private final String file;
  private final boolean gzip;
  private final InputStream in;

  private RecordStream(String file, boolean gzip, InputStream in) {
    this.file = file;
    this.gzip = gzip;
    this.in = in;
  }

  static RecordStream open(String path, boolean gzip, long offset, Configuration conf) throws IOException {
    Path p = new Path(path);
    FSDataInputStream raw = p.getFileSystem(conf).open(p);
    String name = InputFiles.display(p);
    try {
      if (!gzip) {
        raw.seek(offset);
        return new RecordStream(name, false, new BufferedInputStream(raw, 1 << 16));
      }
      RecordStream s = new RecordStream(name, true, new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16));
      s.skip(offset);
      return s;
    } catch (IOException | RuntimeException e) {
      raw.close();
      if (e instanceof ZipException || e instanceof EOFException) {
        throw new InputProblem(name, "truncated or corrupt gzip data (" + e.getMessage() + ")");
      }
      throw e;
    }
  }

  private void skip(long n) throws IOException {
    try {
      in.skipNBytes(n);
    } catch (EOFException e) {
      throw new InputProblem(file, "truncated: ends before byte " + n + " of its " + (gzip ? "uncompressed " : "") + "content");
    }
  }

  /** Fills {@code buf}; {@code what} names the record in the message if the file ends first. */
  void readFully(byte[] buf, String what) throws IOException {
    int n;
    try {
      n = in.readNBytes(buf, 0, buf.length);
    } catch (ZipException | EOFException e) {
      throw new InputProblem(file, "truncated or corrupt gzip data at " + what + " (" + e.getMessage() + ")");
    }
    if (n < buf.length) {
      throw new InputProblem(file, "truncated: ends inside " + what);
    }
  }

  /** Checks that nothing follows the last record (for gzip this also verifies the CRC trailer). */
  void expectEnd(String what) throws IOException {
    int b;
    try {
      b = in.read();
    } catch (ZipException | EOFException e) {
      throw new InputProblem(file, "truncated or corrupt gzip data after " + what + " (" + e.getMessage() + ")");
    }
    if (b >= 0) {
      throw new InputProblem(file, "has bytes after " + what + ": corrupt, or the header's count is wrong");
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
