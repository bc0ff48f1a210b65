package org.scoresde.spark;

import java.io.FileNotFoundException;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.scoresde.config.UserError;
import org.scoresde.data.Manifest;
import org.scoresde.data.ShardSchema;
import org.scoresde.io.AtomicOutput;

/**
 * How train and evaluate open a sharded dataset: the manifest, then the shard files it lists as a
 * Dataset&lt;Row&gt; ({@link ShardSchema}). A directory without {@code _SUCCESS} (unfinished), without
 * a valid manifest, or with a shard file missing or of another size than the manifest records
 * (truncated or replaced) is refused with a {@link UserError} before any job reads it.
 */
public final class ShardReader {
  private ShardReader() {}

  public static ShardedData read(SparkSession spark, String dir) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Manifest m = manifest(conf, dir);
    Path base = new Path(dir);
    checkSizes(conf, base, m);
    String[] files = m.shardFiles().stream().map(f -> new Path(base, f.file()).toString()).toArray(String[]::new);
    Dataset<Row> rows = spark.read().schema(ShardSchema.of(m.encodingType())).parquet(files);
    return new ShardedData(dir, m, rows);
  }

  private static void checkSizes(Configuration conf, Path base, Manifest m) {
    try {
      FileSystem fs = base.getFileSystem(conf);
      for (Manifest.ShardFile f : m.shardFiles()) {
        long len;
        try {
          len = fs.getFileStatus(new Path(base, f.file())).getLen();
        } catch (FileNotFoundException e) {
          throw new UserError("data " + base + ": shard " + f.file() + " is missing; shard the data again", e);
        }
        if (f.bytes() != null && len != f.bytes()) {
          throw new UserError("data " + base + ": shard " + f.file() + " is " + len + " bytes but its manifest says " + f.bytes()
              + " (truncated or replaced); shard the data again");
        }
      }
    } catch (IOException e) {
      throw new UserError("cannot read data " + base + ": " + e.getMessage(), e);
    }
  }

  /** The manifest of a finished shard directory. */
  public static Manifest manifest(Configuration conf, String dir) {
    Path base = new Path(dir);
    try {
      FileSystem fs = base.getFileSystem(conf);
      if (!fs.exists(base)) {
        throw new UserError("data " + dir + " does not exist; create it with 'score-sde shard'");
      }
      if (!fs.exists(new Path(base, AtomicOutput.SUCCESS))) {
        throw new UserError("data " + dir + " has no " + AtomicOutput.SUCCESS + ": it is not a finished shard directory");
      }
      Path mf = new Path(base, Manifest.FILE_NAME);
      if (!fs.exists(mf)) {
        throw new UserError("data " + dir + " has no " + Manifest.FILE_NAME + ": it was not written by 'score-sde shard'");
      }
      try {
        return Manifest.read(fs, mf);
      } catch (IllegalArgumentException e) {
        throw new UserError(mf + ": " + e.getMessage());
      }
    } catch (IOException e) {
      throw new UserError("cannot read data " + dir + ": " + e.getMessage(), e);
    }
  }
}
