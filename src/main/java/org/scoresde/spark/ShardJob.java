package org.scoresde.spark;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.util.CollectionAccumulator;
import org.scoresde.config.UserError;
import org.scoresde.data.CloseableIterator;
import org.scoresde.data.Example;
import org.scoresde.data.HadoopConf;
import org.scoresde.data.InputFormats;
import org.scoresde.data.InputProblem;
import org.scoresde.data.Layout;
import org.scoresde.data.Manifest;
import org.scoresde.data.PlannedInput;
import org.scoresde.data.RowDigest;
import org.scoresde.data.ShardPermutation;
import org.scoresde.data.ShardSchema;
import org.scoresde.data.ShardStats;
import org.scoresde.data.Slice;
import org.scoresde.data.SplitReader;
import org.scoresde.io.AtomicOutput;
import scala.Tuple2;

/**
 * {@code shard}: reads an input in parallel and writes it as balanced Parquet shards with a manifest.
 * <ol>
 *   <li>The output is claimed first ({@link AtomicOutput}: refuses an existing one without overwrite,
 *       writes into a hidden temporary sibling).
 *   <li>The input is planned on the driver from headers and file listings (see the readers in
 *       {@code org.scoresde.data}); any problem stops the job with one message.
 *   <li>Splits are read in parallel; example i gets the rank {@link ShardPermutation#permute}(i) and goes
 *       to shard rank mod N, sorted by rank inside it, so N shards differ by at most one row and depend
 *       only on the seed. A reader that finds bad data reports it through an accumulator and stops (no
 *       failing task, no retries, no stack traces); the driver then aborts with the first problem.
 *   <li>The shards are read back in one distributed aggregate for the manifest: count, per-channel mean
 *       and std, label counts, rows per file and the order-independent checksum ({@link RowDigest}).
 *   <li>manifest.json and _SUCCESS are written and the directory renamed into place.
 * </ol>
 */
public final class ShardJob {
  private static final Pattern SPARK_PART = Pattern.compile("part-(\\d+)-.*\\.parquet");

  private ShardJob() {}

  /** A problem found by a read task, with the split it came from (the lowest split's is reported). */
  record ReadProblem(int split, String message) implements Serializable {}

  public static ShardResult run(SparkSession spark, ShardRequest req, PrintStream progress) {
    long t0 = System.nanoTime();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Configuration conf = jsc.hadoopConfiguration();
    try (AtomicOutput out = AtomicOutput.begin(req.output(), req.overwrite(), conf, "shard", req.input().paths())) {
      PlannedInput<?> input;
      try {
        input = InputFormats.plan(req.input(), conf, new SparkParallelMap(jsc));
      } catch (InputProblem e) {
        throw new UserError(e.getMessage());
      }
      Layout read = input.layout();
      Slice slice = req.slice();
      if (slice != null && !slice.fitsIn(read.count())) {
        throw new UserError("--range " + slice + " reaches beyond the input's " + read.count() + " examples (TO is at most "
            + read.count() + ")");
      }
      Layout layout = slice == null ? read : read.withCount(slice.size());
      int shards = shardCount(req, layout, jsc.defaultParallelism());
      try (ShardProgress p = ShardProgress.start(spark.sparkContext(), layout.count(), req.progressSeconds(), progress)) {
        write(spark, jsc, input, slice, shards, req.seed(), out.temporary());
      }
      List<String> files = nameShards(out.fileSystem(), out.temporary(), shards);
      ShardStats stats = summarize(spark, layout, out.temporary(), files);
      check(stats, layout, shards);
      Manifest manifest = manifest(req, layout, input.sources(), shards, stats, sizes(out.fileSystem(), out.temporary()));
      manifest.write(out.fileSystem(), new Path(out.temporary(), Manifest.FILE_NAME));
      out.commit();
      return new ShardResult(display(out.target()), manifest, (System.nanoTime() - t0) / 1e9);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The requested count, or max(2, parallelism, data bytes / target) capped at the example count. */
  static int shardCount(ShardRequest req, Layout layout, int parallelism) {
    if (req.shards() > 0) {
      if (req.shards() > layout.count()) {
        throw new UserError("--shards " + req.shards() + " is more than the " + layout.count()
            + " examples of the input; every shard needs at least one");
      }
      return req.shards();
    }
    long bytes = layout.count() * layout.size() * (layout.encoding() == org.scoresde.data.Encoding.UINT8 ? 1L : 4L);
    long bySize = (bytes + req.targetShardBytes() - 1) / Math.max(1, req.targetShardBytes());
    long n = Math.max(Math.max(2, parallelism), bySize);
    return (int) Math.min(n, Math.min(layout.count(), 100_000));
  }

  /**
   * Reads every split, ranks each example by the seeded shuffle and writes shard rank mod N; with a slice,
   * only the ranks in it, renumbered from 0 (the rank minus the slice's start is the example's new index).
   */
  private static <S extends Serializable> void write(SparkSession spark, JavaSparkContext jsc, PlannedInput<S> input,
      Slice slice, int shards, long seed, Path dir) {
    Layout layout = input.layout();
    SplitReader<S> reader = input.reader();
    ShardPermutation perm = new ShardPermutation(layout.count(), seed);
    Broadcast<HadoopConf> conf = jsc.broadcast(new HadoopConf(jsc.hadoopConfiguration()));
    CollectionAccumulator<ReadProblem> problems = jsc.sc().collectionAccumulator("shard input problems");
    List<S> splits = input.splits();
    JavaPairRDD<Long, Example> ranked = jsc.parallelize(splits, splits.size())
        .mapPartitionsWithIndex((part, it) -> readAll(reader, it, part, conf.value().get(), problems), false)
        .mapToPair(e -> new Tuple2<>(perm.permute(e.index()), e));
    if (slice != null) {
      ranked = ranked.filter(t -> slice.contains(t._1()))
          .mapToPair(t -> new Tuple2<>(t._1() - slice.from(), t._2().withIndex(t._1() - slice.from())));
    }
    JavaRDD<Row> rows = ranked
        .repartitionAndSortWithinPartitions(new ShardPartitioner(shards))
        .map(t -> ShardSchema.toRow(t._2(), layout));
    try {
      spark.createDataFrame(rows, ShardSchema.of(layout.encoding())).write().mode(SaveMode.Append)
          .option("parquet.enable.dictionary#" + leafColumn(layout.encoding()), "false")
          .parquet(dir.toString());
    } finally {
      conf.destroy();
    }
    List<ReadProblem> found = new ArrayList<>(problems.value());
    if (!found.isEmpty()) {
      found.sort(Comparator.comparingInt(ReadProblem::split));
      throw new UserError(found.get(0).message());
    }
  }

  /** The Parquet path of the data column's values (Spark writes arrays as standard 3-level lists). */
  private static String leafColumn(org.scoresde.data.Encoding e) {
    return e == org.scoresde.data.Encoding.UINT8 ? e.column() : e.column() + ".list.element";
  }

  /** The examples of a partition's splits; on bad data, records the problem and ends early. */
  private static <S> Iterator<Example> readAll(SplitReader<S> reader, Iterator<S> splits, int part, Configuration conf,
      CollectionAccumulator<ReadProblem> problems) {
    return new Iterator<>() {
      private CloseableIterator<Example> current;
      private boolean failed;

      @Override
      public boolean hasNext() {
        try {
          while (!failed && (current == null || !current.hasNext())) {
            if (!splits.hasNext()) {
              return false;
            }
            current = reader.open(splits.next(), conf);
            CloseableIterator<Example> opened = current;
            TaskContext tc = TaskContext.get();
            if (tc != null) {
              tc.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) ctx -> opened.close());
            }
          }
          return !failed;
        } catch (InputProblem e) {
          failed = true;
          if (current != null) {
            current.close();
          }
          problems.add(new ReadProblem(part, e.getMessage()));
          return false;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }

      @Override
      public Example next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return current.next();
      }
    };
  }

  /** Renames Spark's part files to part-NNNNN.parquet, NNNNN the shard number, and returns their paths. */
  private static List<String> nameShards(FileSystem fs, Path dir, int shards) throws IOException {
    TreeMap<Integer, Path> parts = new TreeMap<>();
    for (FileStatus s : fs.listStatus(dir)) {
      Matcher m = SPARK_PART.matcher(s.getPath().getName());
      if (m.matches()) {
        parts.put(Integer.parseInt(m.group(1)), s.getPath());
      }
    }
    if (parts.size() != shards || parts.firstKey() != 0 || parts.lastKey() != shards - 1) {
      throw new IllegalStateException("expected " + shards + " shard files in " + dir + ", found " + parts.keySet());
    }
    List<String> out = new ArrayList<>();
    for (Map.Entry<Integer, Path> e : parts.entrySet()) {
      Path to = new Path(dir, String.format("part-%05d.parquet", e.getKey()));
      if (!fs.rename(e.getValue(), to)) {
        throw new IOException("cannot rename " + e.getValue() + " to " + to);
      }
      out.add(to.toString());
    }
    return out;
  }

  /** One distributed pass over the written shards. */
  private static ShardStats summarize(SparkSession spark, Layout layout, Path dir, List<String> files) {
    Dataset<Row> df = spark.read().schema(ShardSchema.of(layout.encoding()))
        .parquet(files.toArray(String[]::new)).withColumn("_file", functions.input_file_name());
    return df.javaRDD().mapPartitions(it -> {
      ShardStats s = new ShardStats(layout);
      String uri = null;
      String name = null;
      while (it.hasNext()) {
        Row r = it.next();
        String f = r.getString(r.fieldIndex("_file"));
        if (!f.equals(uri)) {
          uri = f;
          name = new Path(f).getName();
        }
        s.add(ShardSchema.toExample(r), name);
      }
      return List.of(s).iterator();
    }).reduce(ShardStats::merge);
  }

  private static void check(ShardStats stats, Layout layout, int shards) {
    if (stats.count() != layout.count() || !stats.indicesLookComplete()) {
      throw new IllegalStateException("the shards hold " + stats.count() + " rows, expected indices 0.." + (layout.count() - 1));
    }
    long lo = layout.count() / shards;
    for (Map.Entry<String, Long> e : stats.rowsPerFile().entrySet()) {
      if (e.getValue() != lo && e.getValue() != lo + 1) {
        throw new IllegalStateException("shard " + e.getKey() + " holds " + e.getValue() + " rows, expected " + lo + " or " + (lo + 1));
      }
    }
  }

  private static Map<String, Long> sizes(FileSystem fs, Path dir) throws IOException {
    Map<String, Long> sizes = new TreeMap<>();
    for (FileStatus s : fs.listStatus(dir)) {
      sizes.put(s.getPath().getName(), s.getLen());
    }
    return sizes;
  }

  private static Manifest manifest(ShardRequest req, Layout l, List<String> sources, int shards, ShardStats stats,
      Map<String, Long> sizes) {
    List<Manifest.ShardFile> files = new ArrayList<>();
    stats.rowsPerFile().forEach((f, n) -> files.add(new Manifest.ShardFile(f, n, sizes.get(f))));
    return new Manifest(Manifest.VERSION, l.format().id(), l.encoding().id(), l.count(), l.height(), l.width(),
        l.channels(), shards, files, req.input().split(), req.seed(), boxed(stats.mean()), boxed(stats.std()),
        stats.labelCounts(), l.classes(), RowDigest.hex(stats.checksum()), RowDigest.ALGORITHM, sources,
        req.slice() == null ? null : List.of(req.slice().from(), req.slice().to()));
  }

  private static List<Double> boxed(double[] v) {
    return Arrays.stream(v).boxed().toList();
  }

  private static String display(Path p) {
    return "file".equals(p.toUri().getScheme()) ? p.toUri().getPath() : p.toString();
  }
}
