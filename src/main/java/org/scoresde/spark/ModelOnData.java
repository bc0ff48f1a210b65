package org.scoresde.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.scoresde.config.UserError;
import org.scoresde.data.Manifest;
import org.scoresde.data.ShardSchema;
import org.scoresde.model.ModelSource;
import org.scoresde.sde.Sde;

/**
 * A trained model and the shard directory it is run on (evaluate, encode), read together so that a
 * model of another shape than the data is refused with one {@link UserError} before any work.
 */
record ModelOnData(ShardedData data, ModelSource source) {

  /** Reads the model at {@code model} (with {@code sde}) and the shard directory {@code dir}, and checks that their shapes match. */
  static ModelOnData read(SparkSession spark, String model, Sde sde, String dir) {
    ShardedData data = ShardReader.read(spark, dir);
    Manifest m = data.manifest();
    ModelSource source = ModelSources.read(spark, model, sde);
    int[] shape = source.shape();
    if (shape[0] != m.channels() || shape[1] * shape[2] != m.height() * m.width()
        || (shape[1] != m.height() && shape[1] != 1)) {
      throw new UserError(String.format("model %s expects data of shape %dx%dx%d (CxHxW) but %s holds %dx%dx%d",
          model, shape[0], shape[1], shape[2], dir, m.channels(), m.height(), m.width()));
    }
    return new ModelOnData(data, source);
  }

  Manifest manifest() {
    return data.manifest();
  }

  /** The rows of the examples whose index is below {@code limit}, or of all examples when {@code limit} is null. */
  Dataset<Row> rows(Long limit) {
    Dataset<Row> rows = data.rows();
    return limit == null ? rows : rows.filter(functions.col(ShardSchema.INDEX).lt(limit));
  }
}
