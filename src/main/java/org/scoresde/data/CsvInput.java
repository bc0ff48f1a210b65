package org.scoresde.data;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;

/**
 * Continuous vectors as text: one example per line, values separated by commas, every line the same
 * length D (stored as height 1, width D, 1 channel, float32). The first line of a file is a header,
 * and skipped, when none of its fields is a number; blank lines are skipped; a value must be a finite
 * float. A file, or every non-hidden file of a folder in name order; plain files are split into byte
 * ranges (Hadoop's line-splitting rule), gzip files are read whole. Planning parses every range in
 * parallel (checking each value and counting rows, so indices and line numbers are known), then the
 * ranges are read again to write them.
 */
public final class CsvInput {
  private CsvInput() {}

  /** A byte range of one file; {@code firstIndex} and {@code firstLine} are known after counting. */
  public record Split(String file, boolean gzip, long start, long end, long firstIndex, long firstLine, int width)
      implements Serializable {
    Split counted(long index, long line, int d) {
      return new Split(file, gzip, start, end, index, line, d);
    }
  }

  /** What parsing one range found: lines starting in it, data rows, their width, the first problem (line relative to the range). */
  public record Count(long lines, long rows, int width, long widthLine, long problemLine, String problem)
      implements Serializable {}

  public static PlannedInput<Split> plan(InputRequest req, Configuration conf, ParallelMap pm) throws IOException {
    if (req.labels() != null) {
      throw new InputProblem(req.labels(), "--labels is for IDX; CSV vectors are stored unlabelled");
    }
    FileStatus root = InputFiles.status(req.input(), conf);
    List<FileStatus> files = InputFiles.list(root, false, conf);
    List<Split> ranges = new ArrayList<>();
    for (FileStatus f : files) {
      if (f.getLen() == 0) {
        continue;
      }
      String path = f.getPath().toString();
      if (InputFiles.isGzip(f.getPath(), conf)) {
        ranges.add(new Split(path, true, 0, Long.MAX_VALUE, 0, 0, 0));
        continue;
      }
      for (long s = 0; s < f.getLen(); s += req.splitBytes()) {
        ranges.add(new Split(path, false, s, Math.min(f.getLen(), s + req.splitBytes()), 0, 0, 0));
      }
    }
    List<Count> counts = pm.map(ranges, CsvInput::count);
    long index = 0;
    long line = 1;
    int width = 0;
    String widthAt = null;
    List<Split> splits = new ArrayList<>();
    for (int i = 0; i < ranges.size(); i++) {
      Split r = ranges.get(i);
      Count c = counts.get(i);
      if (r.start() == 0) {
        line = 1;
      }
      String name = InputFiles.display(r.file());
      if (c.problem() != null) {
        throw new InputProblem(name, "line " + (line + c.problemLine() - 1) + ": " + c.problem());
      }
      if (c.rows() > 0) {
        if (width == 0) {
          width = c.width();
          widthAt = name + " line " + (line + c.widthLine() - 1);
        } else if (c.width() != width) {
          throw new InputProblem(name, "line " + (line + c.widthLine() - 1) + " has " + c.width()
              + " values but " + widthAt + " has " + width + "; every row needs the same number of values");
        }
        splits.add(r.counted(index, line, c.width()));
      }
      index += c.rows();
      line += c.lines();
    }
    if (index == 0) {
      throw new InputProblem(req.input(), "holds no data rows (empty input)");
    }
    List<String> sources = files.stream().map(f -> f.getPath().toString()).toList();
    Layout layout = new Layout(ShardFormat.CSV, index, 1, width, 1, null);
    return new PlannedInput<>(layout, splits, CsvInput::open, sources);
  }

  /** Parses one range without keeping the values: counts lines and rows and finds the first problem. */
  static Count count(Split s, Configuration conf) throws IOException {
    long lines = 0;
    long rows = 0;
    int width = 0;
    long widthLine = 0;
    try (LineRange in = LineRange.open(s.file(), s.gzip(), s.start(), s.end(), conf)) {
      String text;
      boolean first = s.start() == 0;
      while ((text = in.next()) != null) {
        lines++;
        boolean header = first && isHeader(text);
        if (!text.isBlank()) {
          first = false;
        }
        if (text.isBlank() || header) {
          continue;
        }
        float[] v;
        try {
          v = parse(text);
        } catch (IllegalArgumentException e) {
          return new Count(lines, rows, width, widthLine, lines, e.getMessage());
        }
        if (width == 0) {
          width = v.length;
          widthLine = lines;
        } else if (v.length != width) {
          return new Count(lines, rows, width, widthLine, lines, "has " + v.length + " values but the rows before it have "
              + width + "; every row needs the same number of values");
        }
        rows++;
      }
    }
    return new Count(lines, rows, width, widthLine, 0, null);
  }

  /** True for a line none of whose fields is a number. */
  static boolean isHeader(String line) {
    if (line.isBlank()) {
      return false;
    }
    for (String f : line.split(",", -1)) {
      try {
        Double.parseDouble(f.trim());
        return false;
      } catch (NumberFormatException e) {
        // a name, as a header has
      }
    }
    return true;
  }

  /** The floats of one line; an {@link IllegalArgumentException} names the bad column. */
  static float[] parse(String line) {
    String[] fields = line.split(",", -1);
    float[] v = new float[fields.length];
    for (int i = 0; i < fields.length; i++) {
      String f = fields[i].trim();
      if (f.isEmpty()) {
        throw new IllegalArgumentException("empty value in column " + (i + 1));
      }
      double d;
      try {
        d = Double.parseDouble(f);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + f + "' in column " + (i + 1) + " is not a number");
      }
      float x = (float) d;
      if (!Float.isFinite(x)) {
        throw new IllegalArgumentException("'" + f + "' in column " + (i + 1) + " is not a finite float");
      }
      v[i] = x;
    }
    return v;
  }

  /** The rows of one counted range, as float vectors. */
  public static CloseableIterator<Example> open(Split s, Configuration conf) throws IOException {
    LineRange in = LineRange.open(s.file(), s.gzip(), s.start(), s.end(), conf);
    String name = InputFiles.display(s.file());
    return new ExampleIterator() {
      private long line = s.firstLine() - 1;
      private long index = s.firstIndex();
      private boolean first = s.start() == 0;

      @Override
      protected Example compute() throws IOException {
        String text;
        while ((text = in.next()) != null) {
          line++;
          boolean header = first && isHeader(text);
          if (!text.isBlank()) {
            first = false;
          }
          if (text.isBlank() || header) {
            continue;
          }
          float[] v;
          try {
            v = parse(text);
          } catch (IllegalArgumentException e) {
            throw new InputProblem(name, "line " + line + ": " + e.getMessage());
          }
          if (v.length != s.width()) {
            throw new InputProblem(name, "line " + line + " has " + v.length + " values, expected " + s.width());
          }
          return Example.ofValues(index++, Example.UNLABELLED, v);
        }
        return null;
      }

      @Override
      protected void release() throws IOException {
        in.close();
      }
    };
  }
}
