package org.scoresde.spark;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.scoresde.config.UserError;
import org.scoresde.data.Example;
import org.scoresde.data.Manifest;
import org.scoresde.data.ShardSchema;
import org.scoresde.model.ModelSource;
import org.scoresde.data.DataTransform;
import org.scoresde.sde.Sde;

/**
 * Reads a model spec for a job: {@code empirical:DATA} gathers the examples of a shard directory to
 * the driver as the points of their empirical optimal score (images at the centres of their pixel
 * levels, in the [-1, 1] space trained models use); any other spec is {@link ModelSource#read}'s.
 */
final class ModelSources {
  static final String EMPIRICAL = "empirical:";
  /** The most values (examples x dimensions) an empirical model gathers: every task holds them in double twice. */
  static final long MAX_VALUES = 64L << 20;

  private ModelSources() {}

  static ModelSource read(SparkSession spark, String spec, Sde sde) {
    if (!spec.startsWith(EMPIRICAL)) {
      return ModelSource.read(spec, sde, spark.sparkContext().hadoopConfiguration());
    }
    String dir = spec.substring(EMPIRICAL.length());
    if (sde == null) {
      throw new UserError("model " + spec + " is the empirical optimal score of a data set: choose its SDE with --sde vp|subvp|ve");
    }
    ShardedData data = ShardReader.read(spark, dir);
    Manifest m = data.manifest();
    int d = m.dimension();
    if (m.count() * d > MAX_VALUES) {
      throw new UserError(String.format("model %s: %d examples of %d values are more than an empirical model holds (%d values);"
          + " shard a subset of the data", spec, m.count(), d, MAX_VALUES));
    }
    DataTransform t = DataTransform.forData(m);
    int count = (int) m.count();
    float[] values = new float[count * d];
    int row = 0;
    for (Row r : data.rows().orderBy(ShardSchema.INDEX).collectAsList()) {
      Example e = ShardSchema.toExample(r);
      for (int j = 0; j < d; j++) {
        values[row * d + j] = (float) EncodeJob.input(e, j, t);
      }
      row++;
    }
    if (row != count) {
      throw new IllegalStateException(dir + ": the manifest counts " + count + " examples but the shards hold " + row);
    }
    int[] shape = m.isImage() ? new int[] {m.channels(), m.height(), m.width()} : new int[] {1, 1, d};
    return ModelSource.empirical(spec, values, shape, t, sde);
  }
}
