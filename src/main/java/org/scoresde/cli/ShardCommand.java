package org.scoresde.cli;

import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.scoresde.config.Settings;
import org.scoresde.config.UserError;
import org.scoresde.data.InputRequest;
import org.scoresde.data.Resize;
import org.scoresde.data.ShardFormat;
import org.scoresde.data.Slice;
import org.scoresde.spark.ShardJob;
import org.scoresde.spark.ShardRequest;
import org.scoresde.spark.ShardResult;
import org.scoresde.spark.SparkSessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code shard}: an IDX, CIFAR-10, image-folder or CSV dataset to balanced Parquet shards with a manifest. */
@Command(name = "shard", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
    description = {
      "Read a dataset (a local path or a Hadoop URI: file:, hdfs:, s3a:) in parallel and write it as balanced Parquet shards: "
          + "DIR/part-NNNNN.parquet with one row per example (index, label, height, width, channels, and pixels as 8-bit bytes "
          + "in C,H,W order or values as floats), DIR/manifest.json (count, shape, format, per-channel mean and std, "
          + "label counts, checksum) and DIR/_SUCCESS. Which example goes to which shard depends only on --seed.",
      "Formats: idx (MNIST family, gzip or plain; --labels for the labels file); cifar10 (binary batches: a file, or a "
          + "folder of *.bin); images (a folder tree of PNG/JPEG, the sub-folder names are the labels); csv (one vector "
          + "of comma-separated floats per line)."})
public final class ShardCommand implements Callable<Integer> {

  @Mixin CommonOptions common;

  @Option(names = "--format", required = true, paramLabel = "FORMAT", description = "idx, cifar10, images or csv.")
  String format;

  @Option(names = "--input", required = true, paramLabel = "PATH", description = "The input file or folder.")
  String input;

  @Option(names = "--output", required = true, paramLabel = "DIR", description = "The output directory (must not exist unless --overwrite).")
  String output;

  @Option(names = "--shards", paramLabel = "N", description = "Number of shard files (default: configuration shard.shards; 0 chooses from the cluster and the data size).")
  Integer shards;

  @Option(names = "--labels", paramLabel = "PATH", description = "IDX labels file (magic 0x801) matching the images file.")
  String labels;

  @Option(names = "--split", paramLabel = "NAME", description = "Split name recorded in the manifest (e.g. train, test); with a folder as --input,"
      + " idx reads NAME-images-idx3-ubyte[.gz] and cifar10 reads data_batch_*.bin (train) or test_batch.bin (test).")
  String split;

  @Option(names = "--resize", paramLabel = "HxW", description = "images: resample every image to this size (area average down, bilinear up).")
  String resize;

  @Option(names = "--range", paramLabel = "FROM:TO", description = "Keep only the examples at positions FROM to TO-1 of the"
      + " input's shuffle by --seed, numbered from 0 (the manifest records the range). With one seed, ranges that do not"
      + " overlap are disjoint random subsets: 0:55000 and 55000:60000 of Fashion-MNIST's training file make a training"
      + " set and a validation set.")
  String range;

  @Option(names = "--overwrite", description = "Replace an existing output directory.")
  boolean overwrite;

  @Override
  public Integer call() {
    Settings settings = common.settings();
    ShardFormat fmt;
    try {
      fmt = ShardFormat.of(format);
    } catch (IllegalArgumentException e) {
      throw new UserError("--format: " + e.getMessage());
    }
    Resize size = null;
    if (resize != null) {
      if (fmt != ShardFormat.IMAGES) {
        throw new UserError("--resize applies to --format images only");
      }
      try {
        size = Resize.parse(resize);
      } catch (IllegalArgumentException e) {
        throw new UserError(e.getMessage());
      }
    }
    if (labels != null && fmt != ShardFormat.IDX) {
      throw new UserError("--labels applies to --format idx only (cifar10 records and image sub-folders carry their labels)");
    }
    Slice slice = null;
    if (range != null) {
      try {
        slice = Slice.parse(range);
      } catch (IllegalArgumentException e) {
        throw new UserError("--range: " + e.getMessage());
      }
    }
    int n = shards != null ? shards : settings.getInt("shard.shards");
    if (n < 0) {
      throw new UserError((shards != null ? "--shards" : "shard.shards") + " must be 0 (chosen from the cluster and the data size)"
          + " or positive, got " + n);
    }
    long splitBytes = settings.getLong("shard.split-bytes");
    long target = settings.getLong("shard.target-shard-bytes");
    if (splitBytes < 1 || target < 1) {
      throw new UserError("shard.split-bytes and shard.target-shard-bytes must be positive");
    }
    ShardRequest req = new ShardRequest(new InputRequest(fmt, input, labels, split, size, splitBytes), output, n, overwrite,
        settings.getLong("seed"), target, settings.getDouble("shard.progress-seconds"), slice);
    boolean shared = SparkSession.getDefaultSession().isDefined();
    SparkSession spark = SparkSessions.create("shard", common.master());
    try {
      ShardResult result = ShardJob.run(spark, req, System.err);
      System.out.println(result.summary());
      return 0;
    } finally {
      if (!shared) {
        spark.stop();
      }
    }
  }
}
