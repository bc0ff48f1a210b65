package org.scoresde.data;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The Parquet schema of the shards, a contract the train and evaluate jobs read. One row per example:
 * <ul>
 *   <li>{@code index} long: position of the example in the input (file order, record order), 0..count-1;
 *   <li>{@code label} int: class index, or -1 when the input carries no labels;
 *   <li>{@code height}, {@code width}, {@code channels} int: the shape (the same in every row and in
 *       the manifest);
 *   <li>{@code pixels} binary, for {@link Encoding#UINT8}: channels*height*width bytes 0..255 in
 *       C,H,W order (channel planes, each row-major);
 *   <li>{@code values} array&lt;float&gt;, for {@link Encoding#FLOAT32}: the vector, in C,H,W order
 *       (for CSV data height = 1, channels = 1, width = D).
 * </ul>
 * Exactly one of {@code pixels} and {@code values} exists, as manifest.json's {@code encoding} says.
 * Within a shard, rows are in a seeded random order.
 */
public final class ShardSchema {
  public static final String INDEX = "index";
  public static final String LABEL = "label";
  public static final String HEIGHT = "height";
  public static final String WIDTH = "width";
  public static final String CHANNELS = "channels";
  public static final String PIXELS = "pixels";
  public static final String VALUES = "values";

  private ShardSchema() {}

  /** The Spark SQL schema of shards with the given encoding. */
  public static StructType of(Encoding encoding) {
    StructField data = encoding == Encoding.UINT8
        ? DataTypes.createStructField(PIXELS, DataTypes.BinaryType, false)
        : DataTypes.createStructField(VALUES, DataTypes.createArrayType(DataTypes.FloatType, false), false);
    return DataTypes.createStructType(List.of(
        DataTypes.createStructField(INDEX, DataTypes.LongType, false),
        DataTypes.createStructField(LABEL, DataTypes.IntegerType, false),
        DataTypes.createStructField(HEIGHT, DataTypes.IntegerType, false),
        DataTypes.createStructField(WIDTH, DataTypes.IntegerType, false),
        DataTypes.createStructField(CHANNELS, DataTypes.IntegerType, false),
        data));
  }

  /** The row of one example, in the column order of {@link #of(Encoding)}. */
  public static Row toRow(Example e, Layout layout) {
    Object data = layout.encoding() == Encoding.UINT8 ? e.pixels() : e.values();
    return RowFactory.create(e.index(), e.label(), layout.height(), layout.width(), layout.channels(), data);
  }

  /** The example of a shard row (any column order; looks columns up by name). */
  public static Example toExample(Row row) {
    long index = row.getLong(row.fieldIndex(INDEX));
    int label = row.getInt(row.fieldIndex(LABEL));
    if (hasField(row, PIXELS)) {
      return Example.ofPixels(index, label, (byte[]) row.get(row.fieldIndex(PIXELS)));
    }
    List<Float> list = row.getList(row.fieldIndex(VALUES));
    float[] v = new float[list.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = list.get(i);
    }
    return Example.ofValues(index, label, v);
  }

  private static boolean hasField(Row row, String name) {
    for (String f : row.schema().fieldNames()) {
      if (f.equals(name)) {
        return true;
      }
    }
    return false;
  }
}
