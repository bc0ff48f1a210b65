package org.scoresde.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.scoresde.config.UserError;
import org.scoresde.data.Example;
import org.scoresde.data.Manifest;
import org.scoresde.data.ShardSchema;
import org.scoresde.data.DataTransform;
import org.scoresde.evaluate.Quantile;

/**
 * Whether a model generalizes or memorizes: the distance from each sample to its nearest training
 * example, beside the same distance for held-out examples. Samples much nearer the training set than
 * held-out data is memorization. Distances are root-mean-square per dimension in data units (pixels
 * in [0, 1], vectors as they are), found by a pass over the training partitions with one matrix
 * product per block of training rows; only the queries travel (a broadcast) and one minimum per query
 * comes back from each partition.
 */
final class NearestTraining {
  /** The held-out examples compared: the first of the held-out data by index. */
  static final int HELD_OUT = 1000;
  private static final int BLOCK = 1024;

  private NearestTraining() {}

  /** sample.json's {@code nearest_training}: samples (model space) against training, and held-out data when given. */
  static ObjectNode report(SparkSession spark, String training, List<float[]> samples, DataTransform transform, int d,
      String heldOut) {
    ShardedData train = ShardReader.read(spark, training);
    check(train.manifest(), training, "--training", d);
    double[][] queries = new double[samples.size()][];
    for (int i = 0; i < queries.length; i++) {
      queries[i] = toData(samples.get(i), transform);
    }
    List<double[]> held = new ArrayList<>();
    if (heldOut != null) {
      ShardedData h = ShardReader.read(spark, heldOut);
      check(h.manifest(), heldOut, "--held-out", d);
      for (Row r : h.rows().orderBy(ShardSchema.INDEX).limit(HELD_OUT).collectAsList()) {
        held.add(toData(ShardSchema.toExample(r)));
      }
    }
    double[][] all = new double[queries.length + held.size()][];
    System.arraycopy(queries, 0, all, 0, queries.length);
    for (int i = 0; i < held.size(); i++) {
      all[queries.length + i] = held.get(i);
    }
    double[] nearest = minDistances(spark, train, all, d);
    ObjectNode o = new ObjectMapper().createObjectNode();
    o.put("training", training);
    o.put("training_examples", train.manifest().count());
    o.put("distance", "root-mean-square per dimension, data units (pixels in [0, 1])");
    ObjectNode s = o.putObject("samples");
    summary(s, Arrays.copyOfRange(nearest, 0, queries.length));
    if (heldOut != null) {
      o.put("held_out", heldOut);
      ObjectNode h = o.putObject("held_out_examples");
      summary(h, Arrays.copyOfRange(nearest, queries.length, nearest.length));
      o.put("ratio_of_medians", s.get("median").asDouble() / h.get("median").asDouble());
    }
    return o;
  }

  /** Each query's RMS distance to its nearest training example. */
  static double[] minDistances(SparkSession spark, ShardedData train, double[][] queries, int d) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<double[][]> q = jsc.broadcast(queries);
    double[] squared = train.rows().javaRDD().mapPartitions(rows -> {
      double[][] qs = q.value();
      INDArray qm = Nd4j.create(qs).castTo(DataType.DOUBLE);
      INDArray qNorms = qm.mul(qm).sum(1).reshape(qs.length, 1);
      double[] best = new double[qs.length];
      Arrays.fill(best, Double.POSITIVE_INFINITY);
      List<double[]> block = new ArrayList<>(BLOCK);
      while (rows.hasNext()) {
        block.add(toData(ShardSchema.toExample(rows.next())));
        if (block.size() == BLOCK || !rows.hasNext()) {
          INDArray b = Nd4j.create(block.toArray(double[][]::new));
          INDArray bNorms = b.mul(b).sum(1).reshape(1, block.size());
          double[][] dist = qm.mmul(b.transpose()).muli(-2).addiColumnVector(qNorms).addiRowVector(bNorms).toDoubleMatrix();
          for (int i = 0; i < qs.length; i++) {
            for (double v : dist[i]) {
              best[i] = Math.min(best[i], v);
            }
          }
          block.clear();
        }
      }
      return List.of(best).iterator();
    }).reduce((a, b) -> {
      double[] m = new double[a.length];
      for (int i = 0; i < m.length; i++) {
        m[i] = Math.min(a[i], b[i]);
      }
      return m;
    });
    q.destroy();
    double[] rms = new double[squared.length];
    for (int i = 0; i < rms.length; i++) {
      rms[i] = Math.sqrt(Math.max(0, squared[i]) / d);
    }
    return rms;
  }

  private static void check(Manifest m, String dir, String option, int d) {
    if (m.dimension() != d) {
      throw new UserError(option + " " + dir + " holds examples of " + m.dimension() + " values, the model's have " + d);
    }
  }

  /** An example in data units: pixels / 255, or its values. */
  static double[] toData(Example e) {
    double[] x = new double[e.size()];
    for (int j = 0; j < x.length; j++) {
      x[j] = e.pixels() != null ? (e.pixels()[j] & 0xff) / 255.0 : e.values()[j];
    }
    return x;
  }

  /** A model-space sample in data units: the inverse of the pixel map, clamped to [0, 1], or as it is. */
  static double[] toData(float[] sample, DataTransform t) {
    double[] x = new double[sample.length];
    for (int j = 0; j < x.length; j++) {
      x[j] = t.isDequantized() ? Math.max(0, Math.min(1, (sample[j] - t.low()) / (t.high() - t.low()))) : sample[j];
    }
    return x;
  }

  private static void summary(ObjectNode o, double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    o.put("n", s.length);
    o.put("median", Quantile.ofSorted(s, 0.5));
    o.put("p05", Quantile.ofSorted(s, 0.05));
    o.put("p95", Quantile.ofSorted(s, 0.95));
    o.put("min", s.length == 0 ? Double.NaN : s[0]);
  }
}
