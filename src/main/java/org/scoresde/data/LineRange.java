package org.scoresde.data;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;

/**
 * The lines of a text file that start within a byte range [start, end), the rule Hadoop's line
 * reader uses to split text files: a range that does not start at 0 skips the partial line it begins
 * in (looking from byte start-1, so a line beginning exactly at start is kept), and the last line is
 * read past end to its newline. Gzip files are read whole as one range.
 */
final class LineRange implements Closeable {
  private final InputStream in;
  private final String file;
  private final long end;
  private long pos;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

  private LineRange(InputStream in, String file, long pos, long end) {
    this.in = in;
    this.file = file;
    this.pos = pos;
    this.end = end;
  }

  static LineRange open(String path, boolean gzip, long start, long end, Configuration conf) throws IOException {
    Path p = new Path(path);
    FSDataInputStream raw = p.getFileSystem(conf).open(p);
    String name = InputFiles.display(p);
    try {
      if (gzip) {
        return new LineRange(new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16), name, 0, Long.MAX_VALUE);
      }
      if (start == 0) {
        return new LineRange(new BufferedInputStream(raw, 1 << 16), name, 0, end);
      }
      raw.seek(start - 1);
      LineRange r = new LineRange(new BufferedInputStream(raw, 1 << 16), name, start - 1, end);
      r.readLine();
      return r;
    } catch (ZipException | EOFException e) {
      raw.close();
      throw new InputProblem(name, "truncated or corrupt gzip data (" + e.getMessage() + ")");
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  /** The next line that starts in the range, without its line terminator; null after the last. */
  String next() throws IOException {
    if (pos >= end) {
      return null;
    }
    return readLine();
  }

  private String readLine() throws IOException {
    line.reset();
    int b;
    boolean any = false;
    try {
      while ((b = in.read()) >= 0) {
        pos++;
        any = true;
        if (b == '\n') {
          break;
        }
        line.write(b);
      }
    } catch (ZipException | EOFException e) {
      throw new InputProblem(file, "truncated or corrupt gzip data (" + e.getMessage() + ")");
    }
    if (!any) {
      pos = Long.MAX_VALUE;
      return null;
    }
    String s = line.toString(StandardCharsets.UTF_8);
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
