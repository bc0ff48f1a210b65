package org.scoresde.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * IDX images (magic 0x803) with optional IDX labels (0x801), plain or gzip. The driver reads both
 * headers, checks the magic numbers, that the counts agree and (plain files) that each file's length
 * is what its header declares; then the records are read in parallel by ranges. Plain files seek to
 * their range. A gzip file cannot seek, so each range decompresses it from the start and discards the
 * bytes before its range: a gzip input gets at most as many ranges as tasks can run at once, so the
 * wall time stays near one full decompression while decoding and writing run in parallel.
 */
public final class IdxInput {
  private IdxInput() {}

  /** One record range of the images file and the same range of the labels file (if any). */
  public record Split(String images, boolean imagesGzip, long imagesOffset, String labels, boolean labelsGzip,
      long labelsOffset, long start, long count, boolean last, int rows, int cols) implements Serializable {}

  public static PlannedInput<Split> plan(InputRequest req, Configuration conf, ParallelMap pm) throws IOException {
    String[] files = locate(req, conf);
    String images = files[0];
    String labels = files[1];
    Path ip = qualified(images, conf);
    boolean igz = InputFiles.isGzip(ip, conf);
    IdxHeader ih = header(ip, igz, IdxHeader.IMAGES, conf);
    String iname = InputFiles.display(ip);
    long count = ih.dims()[0];
    int rows = ih.dims()[1];
    int cols = ih.dims()[2];
    if (count == 0) {
      throw new InputProblem(iname, "holds no images (empty input)");
    }
    if (rows == 0 || cols == 0) {
      throw new InputProblem(iname, "declares images of " + rows + "x" + cols + " pixels");
    }
    long record = (long) rows * cols;
    if (record > (1 << 26)) {
      throw new InputProblem(iname, "declares images of " + rows + "x" + cols + " pixels: too large, or a corrupt header");
    }
    if (!igz) {
      checkLength(ip, ih.bytes() + count * record, count + " images of " + rows + "x" + cols, conf);
    }
    List<String> sources = new ArrayList<>(List.of(ip.toString()));
    Path lp = null;
    boolean lgz = false;
    IdxHeader lh = null;
    if (labels != null) {
      lp = qualified(labels, conf);
      lgz = InputFiles.isGzip(lp, conf);
      lh = header(lp, lgz, IdxHeader.LABELS, conf);
      long lcount = lh.dims()[0];
      if (lcount != count) {
        throw new InputProblem(InputFiles.display(lp), "holds " + lcount + " labels but " + iname + " holds " + count
            + " images; the counts must agree");
      }
      if (!lgz) {
        checkLength(lp, lh.bytes() + count, count + " labels", conf);
      }
      sources.add(lp.toString());
    }
    long perSplit = Math.max(1, req.splitBytes() / record);
    long ranges = (count + perSplit - 1) / perSplit;
    if (igz || lgz) {
      ranges = Math.min(ranges, Math.max(1, pm.parallelism()));
      perSplit = (count + ranges - 1) / ranges;
    }
    List<Split> splits = new ArrayList<>();
    for (long start = 0; start < count; start += perSplit) {
      long n = Math.min(perSplit, count - start);
      splits.add(new Split(ip.toString(), igz, ih.bytes() + start * record, lp == null ? null : lp.toString(), lgz,
          lh == null ? 0 : lh.bytes() + start, start, n, start + n == count, rows, cols));
    }
    Layout layout = new Layout(ShardFormat.IDX, count, rows, cols, 1, null);
    return new PlannedInput<>(layout, splits, IdxInput::open, sources);
  }

  /** The images and labels files: given directly, or found in a folder by split name. */
  private static String[] locate(InputRequest req, Configuration conf) throws IOException {
    FileStatus in = InputFiles.status(req.input(), conf);
    if (in.isFile()) {
      return new String[] {req.input(), req.labels()};
    }
    if (req.split() == null) {
      throw new InputProblem(req.input(), "is a folder: give the IDX images file, or add --split NAME to use "
          + "NAME-images-idx3-ubyte[.gz] from it");
    }
    String images = find(in.getPath(), req.split(), "images-idx3-ubyte", conf);
    if (images == null) {
      throw new InputProblem(req.input(), "has no " + req.split() + "-images-idx3-ubyte[.gz] for --split " + req.split());
    }
    String labels = req.labels() != null ? req.labels() : find(in.getPath(), req.split(), "labels-idx1-ubyte", conf);
    return new String[] {images, labels};
  }

  private static String find(Path dir, String split, String stem, Configuration conf) throws IOException {
    List<String> names = "test".equals(split) ? List.of("test", "t10k") : List.of(split);
    for (String n : names) {
      for (String ext : List.of("", ".gz")) {
        Path p = new Path(dir, n + "-" + stem + ext);
        try {
          if (p.getFileSystem(conf).getFileStatus(p).isFile()) {
            return p.toString();
          }
        } catch (java.io.FileNotFoundException e) {
          // try the next name
        }
      }
    }
    return null;
  }

  private static Path qualified(String path, Configuration conf) throws IOException {
    FileStatus s = InputFiles.status(path, conf);
    if (!s.isFile()) {
      throw new InputProblem(path, "is a folder, expected an IDX file");
    }
    return s.getPath();
  }

  private static IdxHeader header(Path p, boolean gzip, int magic, Configuration conf) throws IOException {
    String name = InputFiles.display(p);
    InputStream raw = p.getFileSystem(conf).open(p);
    try (InputStream in = gzip ? new GZIPInputStream(raw) : raw) {
      IdxHeader h = IdxHeader.read(in, name, magic);
      int want = magic == IdxHeader.IMAGES ? 3 : 1;
      if (h.dims().length != want) {
        throw new InputProblem(name, "IDX header has " + h.dims().length + " dimensions, expected " + want);
      }
      return h;
    } catch (java.util.zip.ZipException | java.io.EOFException e) {
      throw new InputProblem(name, "truncated or corrupt gzip data (" + e.getMessage() + ")");
    } finally {
      raw.close();
    }
  }

  private static void checkLength(Path p, long expected, String what, Configuration conf) throws IOException {
    long actual = p.getFileSystem(conf).getFileStatus(p).getLen();
    if (actual < expected) {
      throw new InputProblem(InputFiles.display(p), "truncated: " + actual + " bytes, but its header declares " + what
          + " (" + expected + " bytes)");
    }
    if (actual > expected) {
      throw new InputProblem(InputFiles.display(p), "corrupt: " + actual + " bytes, but its header declares " + what
          + " (" + expected + " bytes)");
    }
  }

  /** The examples of one range: pixels as stored (row-major, one channel), labels when a labels file was given. */
  public static CloseableIterator<Example> open(Split s, Configuration conf) throws IOException {
    RecordStream images = RecordStream.open(s.images(), s.imagesGzip(), s.imagesOffset(), conf);
    RecordStream labels;
    try {
      labels = s.labels() == null ? null : RecordStream.open(s.labels(), s.labelsGzip(), s.labelsOffset(), conf);
    } catch (IOException | RuntimeException e) {
      images.close();
      throw e;
    }
    int size = s.rows() * s.cols();
    return new ExampleIterator() {
      private long i;
      private final byte[] label = new byte[1];

      @Override
      protected Example compute() throws IOException {
        if (i == s.count()) {
          if (s.last()) {
            images.expectEnd("the last image");
            if (labels != null) {
              labels.expectEnd("the last label");
            }
          }
          return null;
        }
        long index = s.start() + i++;
        byte[] px = new byte[size];
        images.readFully(px, "image " + index);
        int y = Example.UNLABELLED;
        if (labels != null) {
          labels.readFully(label, "label " + index);
          y = label[0] & 0xFF;
        }
        return Example.ofPixels(index, y, px);
      }

      @Override
      protected void release() throws IOException {
        images.close();
        if (labels != null) {
          labels.close();
        }
      }
    };
  }
}
