package org.scoresde.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scoresde.data.Manifest;
import org.scoresde.data.ShardFormat;
import org.scoresde.data.ShardSchema;
import org.scoresde.testing.FashionMnist;

/** The real Fashion-MNIST (Debian's dataset-fashion-mnist) through the shard job on local[2]. */
class ShardFashionMnistTest {
  private static SparkSession spark;
  @TempDir static Path tmp;

  @BeforeAll
  static void start() {
    spark = SparkSessions.create("shard-fashion-mnist-test", "local[2]");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** The uncompressed bytes of a dataset file. */
  static byte[] raw(String name) throws IOException {
    try (DataInputStream in = new DataInputStream(new GZIPInputStream(new FileInputStream(FashionMnist.path(name))))) {
      return in.readAllBytes();
    }
  }

  private static Map<Integer, Long> perLabel(long n) {
    return IntStream.range(0, 10).boxed().collect(Collectors.toMap(i -> i, i -> n));
  }

  @Test
  void trainSetIntoEightBalancedShardsWithSixThousandPerLabel() throws Exception {
    ShardRequest req = ShardTesting.request(ShardFormat.IDX, FashionMnist.path("train-images-idx3-ubyte.gz"),
        FashionMnist.path("train-labels-idx1-ubyte.gz"), tmp.resolve("train").toString(), 8, 42, null, 16 << 20);
    ShardResult r = ShardJob.run(spark, req, System.err);
    Manifest m = r.manifest();
    assertEquals(60000, m.count());
    assertEquals(List.of(28, 28, 1), List.of(m.height(), m.width(), m.channels()));
    assertEquals("idx", m.format());
    assertEquals("uint8", m.encoding());
    assertEquals(8, m.shards());
    assertTrue(m.shardFiles().stream().allMatch(f -> f.rows() == 7500), m.shardFiles().toString());
    assertEquals(perLabel(6000), m.labelCounts());
    for (int k = 0; k < 8; k++) {
      assertTrue(Files.isRegularFile(Path.of(r.dir(), String.format("part-%05d.parquet", k))));
    }
    assertTrue(Files.exists(Path.of(r.dir(), "_SUCCESS")));
    assertEquals(m, Manifest.fromJson(Files.readString(Path.of(r.dir(), Manifest.FILE_NAME))));

    // the pixel mean over all 47 040 000 bytes, computed here directly from the file
    byte[] images = raw("train-images-idx3-ubyte.gz");
    long sum = 0;
    for (int i = 16; i < images.length; i++) {
      sum += images[i] & 0xFF;
    }
    // both are an exact integer sum divided once by the same count
    assertEquals(sum / 47_040_000.0, m.mean().get(0), 1e-12);

    // a few examples read back from the shards equal the bytes of the IDX files
    byte[] labels = raw("train-labels-idx1-ubyte.gz");
    List<Row> rows = ShardReader.read(spark, r.dir()).rows()
        .where(functions.col(ShardSchema.INDEX).isin(0L, 1L, 12345L, 59999L)).collectAsList();
    assertEquals(4, rows.size());
    for (Row row : rows) {
      int i = (int) row.getLong(row.fieldIndex(ShardSchema.INDEX));
      byte[] expected = java.util.Arrays.copyOfRange(images, 16 + i * 784, 16 + (i + 1) * 784);
      assertArrayEquals(expected, (byte[]) row.get(row.fieldIndex(ShardSchema.PIXELS)), "image " + i);
      assertEquals(labels[8 + i] & 0xFF, row.getInt(row.fieldIndex(ShardSchema.LABEL)));
    }
  }

  @Test
  void testSetWithDefaultShardsHasAThousandPerLabel() throws Exception {
    ShardRequest req = ShardTesting.request(ShardFormat.IDX, FashionMnist.path("t10k-images-idx3-ubyte.gz"),
        FashionMnist.path("t10k-labels-idx1-ubyte.gz"), tmp.resolve("test").toString(), 0, 42, null, 16 << 20);
    Manifest m = ShardJob.run(spark, req, System.err).manifest();
    assertEquals(10000, m.count());
    assertEquals(perLabel(1000), m.labelCounts());
    // default: max(2, Spark's default parallelism = 2 on local[2], 7.8 MB / 128 MB) = 2 shards
    assertEquals(2, m.shards());
    assertEquals(List.of(5000L, 5000L), m.shardFiles().stream().map(Manifest.ShardFile::rows).toList());
  }
}
