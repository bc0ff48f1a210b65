package org.scoresde.report;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.scoresde.config.UserError;

/**
 * Reads an evaluation's per-example values: the Parquet files of EVAL/per_example/ (columns
 * {@code index}, {@code value}, {@code nfe}, as Spark writes them) read directly with parquet-hadoop,
 * or else EVAL/per_example.csv with the same columns.
 */
final class PerExampleReader {
  static final String PARQUET_DIR = "per_example";
  static final String CSV_FILE = "per_example.csv";

  private final FileSystem fs;
  private final Configuration conf;

  PerExampleReader(FileSystem fs, Configuration conf) {
    this.fs = fs;
    this.conf = conf;
  }

  /** The values under {@code evalDir}, or empty when it holds neither form. */
  Optional<PerExampleValues> read(Path evalDir) throws IOException {
    Path dir = new Path(evalDir, PARQUET_DIR);
    if (fs.exists(dir)) {
      return Optional.of(readParquet(dir));
    }
    Path csv = new Path(evalDir, CSV_FILE);
    if (fs.exists(csv)) {
      return Optional.of(readCsv(csv));
    }
    return Optional.empty();
  }

  private PerExampleValues readParquet(Path dir) throws IOException {
    List<Path> files = new ArrayList<>();
    if (fs.getFileStatus(dir).isDirectory()) {
      for (FileStatus st : fs.listStatus(dir)) {
        String name = st.getPath().getName();
        if (st.isFile() && name.endsWith(".parquet") && !name.startsWith(".") && !name.startsWith("_")) {
          files.add(st.getPath());
        }
      }
    } else {
      files.add(dir);
    }
    files.sort(null);
    if (files.isEmpty()) {
      throw new UserError(HadoopPaths.shown(dir) + " holds no .parquet files; expected the per-example values evaluate writes");
    }
    Columns out = new Columns();
    for (Path f : files) {
      try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), f).withConf(conf).build()) {
        for (Group g = reader.read(); g != null; g = reader.read()) {
          GroupType type = g.getType();
          if (!type.containsField("value")) {
            throw new UserError(HadoopPaths.shown(f) + " has no 'value' column (columns: " + type.getFields().stream().map(Type::getName).toList()
                + "); expected index, value, nfe");
          }
          double v = number(g, "value", f);
          if (!Double.isNaN(v)) {
            out.add(v, type.containsField("nfe") ? number(g, "nfe", f) : Double.NaN);
          }
        }
      } catch (RuntimeException e) {
        if (e instanceof UserError) {
          throw e;
        }
        throw new UserError("cannot read " + HadoopPaths.shown(f) + " as Parquet: " + e.getMessage(), e);
      }
    }
    return out.values();
  }

  private static double number(Group g, String field, Path file) {
    int i = g.getType().getFieldIndex(field);
    if (g.getFieldRepetitionCount(i) == 0) {
      return Double.NaN;
    }
    Type t = g.getType().getType(i);
    if (!t.isPrimitive()) {
      throw new UserError(HadoopPaths.shown(file) + ": column '" + field + "' must be a number, found " + t);
    }
    PrimitiveType.PrimitiveTypeName p = t.asPrimitiveType().getPrimitiveTypeName();
    return switch (p) {
      case DOUBLE -> g.getDouble(i, 0);
      case FLOAT -> g.getFloat(i, 0);
      case INT32 -> g.getInteger(i, 0);
      case INT64 -> g.getLong(i, 0);
      default -> throw new UserError(HadoopPaths.shown(file) + ": column '" + field + "' must be a number, found " + t);
    };
  }

  private PerExampleValues readCsv(Path csv) throws IOException {
    String text;
    try (InputStream in = fs.open(csv)) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String[] lines = text.split("\r?\n");
    int valueCol = 1;
    int nfeCol = 2;
    int start = 0;
    if (lines.length > 0 && !lines[0].isBlank() && !isNumber(lines[0].split(",")[0])) {
      List<String> header = Arrays.stream(lines[0].split(",")).map(String::strip).toList();
      valueCol = header.indexOf("value");
      nfeCol = header.indexOf("nfe");
      if (valueCol < 0) {
        throw new UserError(HadoopPaths.shown(csv) + " has no 'value' column in its header " + header + "; expected index,value,nfe");
      }
      start = 1;
    }
    Columns out = new Columns();
    for (int i = start; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      String[] cells = lines[i].split(",");
      try {
        double v = Double.parseDouble(cells[valueCol].strip());
        double nfe = nfeCol >= 0 && nfeCol < cells.length ? Double.parseDouble(cells[nfeCol].strip()) : Double.NaN;
        out.add(v, nfe);
      } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
        throw new UserError(HadoopPaths.shown(csv) + " line " + (i + 1) + " is not index,value,nfe: '" + lines[i] + "'");
      }
    }
    return out.values();
  }

  private static boolean isNumber(String s) {
    try {
      Double.parseDouble(s.strip());
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** Growable parallel columns of values and NFEs. */
  private static final class Columns {
    private double[] v = new double[1024];
    private double[] nfe = new double[1024];
    private int n;

    void add(double value, double evaluations) {
      if (n == v.length) {
        v = Arrays.copyOf(v, 2 * n);
        nfe = Arrays.copyOf(nfe, 2 * n);
      }
      v[n] = value;
      nfe[n] = evaluations;
      n++;
    }

    PerExampleValues values() {
      return new PerExampleValues(Arrays.copyOf(v, n), Arrays.copyOf(nfe, n));
    }
  }
}
