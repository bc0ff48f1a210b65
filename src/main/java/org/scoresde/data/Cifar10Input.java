package org.scoresde.data;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;

/**
 * CIFAR-10 binary batches: records of 1 label byte (0..9) and 3072 pixel bytes (the R, G and B planes
 * of a 32x32 image, each row-major: already C,H,W order). Any number of batch files: a file, or a
 * folder whose {@code *.bin} files are read in name order ({@code --split train} keeps
 * {@code data_batch_*.bin}, {@code --split test} keeps {@code test_batch.bin}). The driver checks
 * every file's length; files are read in parallel by record ranges.
 */
public final class Cifar10Input {
  public static final int SIDE = 32;
  public static final int PIXELS = 3 * SIDE * SIDE;
  public static final int RECORD = 1 + PIXELS;
  public static final List<String> CLASSES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
      "horse", "ship", "truck");
  private static final Pattern TRAIN = Pattern.compile("data_batch_.*\\.bin");
  private static final Pattern TEST = Pattern.compile("test_batch.*\\.bin");

  private Cifar10Input() {}

  /** Records {@code start .. start+count-1} of one batch file, whose first record has global index {@code first}. */
  public record Split(String file, long first, long start, long count) implements Serializable {}

  public static PlannedInput<Split> plan(InputRequest req, Configuration conf, ParallelMap pm) throws IOException {
    if (req.labels() != null) {
      throw new InputProblem(req.labels(), "--labels is for IDX; CIFAR-10 batches carry their own labels");
    }
    FileStatus root = InputFiles.status(req.input(), conf);
    List<FileStatus> files = new ArrayList<>();
    for (FileStatus f : InputFiles.list(root, false, conf)) {
      String name = f.getPath().getName();
      boolean keep = root.isFile()
          || ("train".equals(req.split()) ? TRAIN.matcher(name).matches()
          : "test".equals(req.split()) ? TEST.matcher(name).matches()
          : name.endsWith(".bin"));
      if (keep) {
        files.add(f);
      }
    }
    if (files.isEmpty()) {
      throw new InputProblem(req.input(), "holds no CIFAR-10 batch files (" + ("train".equals(req.split())
          ? "data_batch_*.bin" : "test".equals(req.split()) ? "test_batch.bin" : "*.bin") + "): empty input");
    }
    long perSplit = Math.max(1, req.splitBytes() / RECORD);
    List<Split> splits = new ArrayList<>();
    List<String> sources = new ArrayList<>();
    long first = 0;
    for (FileStatus f : files) {
      String name = InputFiles.display(f.getPath());
      long len = f.getLen();
      if (len == 0) {
        throw new InputProblem(name, "is empty");
      }
      if (InputFiles.isGzip(f.getPath(), conf)) {
        throw new InputProblem(name, "is gzip-compressed; decompress the CIFAR-10 batches first (gunzip / tar xzf)");
      }
      if (len % RECORD != 0) {
        throw new InputProblem(name, len + " bytes is not a whole number of " + RECORD
            + "-byte CIFAR-10 records: truncated, or not a CIFAR-10 binary batch");
      }
      long n = len / RECORD;
      for (long s = 0; s < n; s += perSplit) {
        splits.add(new Split(f.getPath().toString(), first, s, Math.min(perSplit, n - s)));
      }
      sources.add(f.getPath().toString());
      first += n;
    }
    Layout layout = new Layout(ShardFormat.CIFAR10, first, SIDE, SIDE, 3, CLASSES);
    return new PlannedInput<>(layout, splits, Cifar10Input::open, sources);
  }

  /** The examples of one record range; a label byte outside 0..9 is reported as corruption. */
  public static CloseableIterator<Example> open(Split s, Configuration conf) throws IOException {
    RecordStream in = RecordStream.open(s.file(), false, s.start() * RECORD, conf);
    String name = InputFiles.display(s.file());
    return new ExampleIterator() {
      private long i;
      private final byte[] record = new byte[RECORD];

      @Override
      protected Example compute() throws IOException {
        if (i == s.count()) {
          return null;
        }
        long r = s.start() + i++;
        in.readFully(record, "record " + r);
        int label = record[0] & 0xFF;
        if (label >= CLASSES.size()) {
          throw new InputProblem(name, "record " + r + " has label " + label
              + ", not a CIFAR-10 class 0..9: corrupt, or not a CIFAR-10 batch (CIFAR-100 has 2 label bytes)");
        }
        byte[] px = new byte[PIXELS];
        System.arraycopy(record, 1, px, 0, PIXELS);
        return Example.ofPixels(s.first() + r, label, px);
      }

      @Override
      protected void release() throws IOException {
        in.close();
      }
    };
  }
}
