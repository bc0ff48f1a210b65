package org.scoresde.spark;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.scoresde.data.Example;
import org.scoresde.data.Manifest;
import org.scoresde.data.ShardSchema;
import org.scoresde.image.ImageGrid;
import org.scoresde.io.PngFile;
import org.scoresde.data.DataTransform;

/**
 * The examples a model finds least and most likely: the {@code k} highest and lowest per-example
 * values of evaluate's output, found by a top-k in every partition (Spark's ordered limit), so only
 * 2k rows reach the driver whatever the data's size; then their images, fetched from the data by
 * index, as two strips. Dataset-scale likelihoods are read this way to find odd examples and weak
 * classes.
 */
final class LikelihoodExtremes {
  /** How many examples each end shows. */
  static final int COUNT = 16;
  static final String LEAST_PNG = "least_likely.png";
  static final String MOST_PNG = "most_likely.png";
  private static final int COLUMNS = 8;

  /** One example at an end: its index, label and value (bits/dim or nats/dim). */
  record Extreme(long index, int label, double value) {}

  private final List<Extreme> least;
  private final List<Extreme> most;

  private LikelihoodExtremes(List<Extreme> least, List<Extreme> most) {
    this.least = List.copyOf(least);
    this.most = List.copyOf(most);
  }

  /** The {@code k} largest values (least likely) and {@code k} smallest (most likely), ties by index. */
  static LikelihoodExtremes of(Dataset<Row> perExample, int k) {
    Column index = functions.col("index").asc();
    return new LikelihoodExtremes(
        extremes(perExample.orderBy(functions.col("value").desc(), index).limit(k)),
        extremes(perExample.orderBy(functions.col("value").asc(), index).limit(k)));
  }

  List<Extreme> least() {
    return least;
  }

  List<Extreme> most() {
    return most;
  }

  /** Adds {@code least_likely} and {@code most_likely} to nll.json, with class names when the data has them. */
  void addTo(ObjectNode nll, Manifest m) {
    put(nll.putArray("least_likely"), least, m);
    put(nll.putArray("most_likely"), most, m);
  }

  /**
   * Writes the two strips into {@code dir} ({@link #COLUMNS} images a row, least likely first in
   * its strip, most likely first in its own), for image data; vectors have no pictures.
   */
  void writePictures(FileSystem fs, Path dir, Dataset<Row> data, Manifest m) throws IOException {
    if (!m.isImage() || least.isEmpty()) {
      return;
    }
    List<Object> wanted = new ArrayList<>();
    least.forEach(e -> wanted.add(e.index()));
    most.forEach(e -> wanted.add(e.index()));
    Map<Long, Example> examples = new HashMap<>();
    for (Row r : data.filter(functions.col(ShardSchema.INDEX).isin(wanted.toArray())).collectAsList()) {
      Example e = ShardSchema.toExample(r);
      examples.put(e.index(), e);
    }
    DataTransform t = DataTransform.pixels8Bit(-1.0, 1.0);
    PngFile.write(fs, new Path(dir, LEAST_PNG), ImageGrid.grid(images(least, examples, t), m.channels(), m.height(), m.width(), t, COLUMNS));
    PngFile.write(fs, new Path(dir, MOST_PNG), ImageGrid.grid(images(most, examples, t), m.channels(), m.height(), m.width(), t, COLUMNS));
  }

  private static List<float[]> images(List<Extreme> end, Map<Long, Example> examples, DataTransform t) {
    List<float[]> out = new ArrayList<>();
    for (Extreme e : end) {
      Example x = examples.get(e.index());
      if (x == null) {
        throw new IllegalStateException("example " + e.index() + " of the per-example values is not in the data");
      }
      float[] row = new float[x.size()];
      for (int j = 0; j < row.length; j++) {
        row[j] = (float) EncodeJob.input(x, j, t);
      }
      out.add(row);
    }
    return out;
  }

  private static List<Extreme> extremes(Dataset<Row> rows) {
    List<Extreme> out = new ArrayList<>();
    for (Row r : rows.select("index", "label", "value").collectAsList()) {
      out.add(new Extreme(r.getLong(0), r.getInt(1), r.getDouble(2)));
    }
    return out;
  }

  private static void put(ArrayNode array, List<Extreme> end, Manifest m) {
    for (Extreme e : end) {
      ObjectNode o = array.addObject();
      o.put("index", e.index());
      if (e.label() != Example.UNLABELLED) {
        o.put("label", e.label());
        if (m.classes() != null && e.label() >= 0 && e.label() < m.classes().size()) {
          o.put("class", m.classes().get(e.label()));
        }
      }
      o.put("value", e.value());
    }
  }
}
