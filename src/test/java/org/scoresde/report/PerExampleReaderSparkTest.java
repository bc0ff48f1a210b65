package org.scoresde.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scoresde.spark.SparkSessions;

/**
 * The per-example values as evaluate will write them, with Spark (several Snappy part files, _SUCCESS
 * and .crc files beside them), read back by the report without Spark: every value and NFE arrives.
 */
class PerExampleReaderSparkTest {
  @TempDir Path tmp;

  @Test
  void readsWhatSparkWrites() throws Exception {
    double[][] expected = FakeRun.perExampleValues();
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < expected[0].length; i++) {
      rows.add(RowFactory.create((long) i, expected[0][i], i % 50 == 0 ? null : expected[1][i]));
    }
    StructType schema = new StructType().add("index", DataTypes.LongType).add("value", DataTypes.DoubleType)
        .add("nfe", DataTypes.DoubleType);
    Path eval = tmp.resolve("run/eval");
    SparkSession spark = SparkSessions.create("report-test", "local[1]");
    try {
      Dataset<Row> df = spark.createDataFrame(rows, schema).repartition(3);
      df.write().parquet(eval.resolve("per_example").toString());
    } finally {
      spark.stop();
    }
    try (var files = Files.list(eval.resolve("per_example"))) {
      assertTrue(files.filter(p -> p.getFileName().toString().endsWith(".parquet")).count() >= 2, "several part files");
    }
    PerExampleValues got = new PerExampleReader(org.apache.hadoop.fs.FileSystem.getLocal(new Configuration()),
        new Configuration()).read(new org.apache.hadoop.fs.Path(eval.toUri())).orElseThrow();
    assertEquals(expected[0].length, got.size());
    double[] v = got.values();
    double[] e = expected[0].clone();
    Arrays.sort(v);
    Arrays.sort(e);
    assertArrayEquals(e, v, 0.0, "doubles round-trip exactly");
    long missingNfe = Arrays.stream(got.nfe()).filter(Double::isNaN).count();
    assertEquals(expected[0].length / 50, missingNfe, "a null NFE reads as NaN");

    FakeRun.nllJson(eval, "bits/dim");
    Object[] r = ReportCommandTest.run("report", "--run", tmp.resolve("run").toString());
    assertEquals(0, r[0], (String) r[2]);
    String html = FakeRun.text(tmp.resolve("run/report.html"));
    assertTrue(ReportCommandTest.embedded(html).containsKey("nll_hist.png"));
    assertTrue(html.contains("<td>per-example values read</td><td>400</td>"));
  }
}
