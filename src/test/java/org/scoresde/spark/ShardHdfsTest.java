package org.scoresde.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scoresde.data.Example;
import org.scoresde.data.Manifest;
import org.scoresde.data.ShardSchema;
import org.scoresde.testing.FashionMnist;

/**
 * Shards on a real HDFS (Hadoop's in-process MiniDFSCluster, one datanode): inputs uploaded to
 * hdfs://, the command run with hdfs:// paths, the shards read back from hdfs://.
 */
class ShardHdfsTest {
  private static MiniDFSCluster hdfs;
  private static SparkSession spark;
  private static String uri;
  private static FileSystem fs;
  @TempDir static Path tmp;

  @BeforeAll
  static void start() throws Exception {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("hdfs").toString());
    for (String key : List.of("dfs.namenode.rpc-address", "dfs.namenode.http-address", "dfs.datanode.address",
        "dfs.datanode.http.address", "dfs.datanode.ipc.address")) {
      conf.set(key, "127.0.0.1:0");
    }
    hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    hdfs.waitActive();
    uri = "hdfs://127.0.0.1:" + hdfs.getNameNodePort();
    fs = hdfs.getFileSystem();
    spark = SparkSessions.create("shard-hdfs-test", "local[2]");
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
    if (hdfs != null) {
      hdfs.shutdown();
    }
  }

  private static void upload(String path, byte[] data) throws Exception {
    try (OutputStream out = fs.create(new org.apache.hadoop.fs.Path(path))) {
      out.write(data);
    }
  }

  @Test
  void fashionMnistTestSetFromHdfsToHdfsAndBack() throws Exception {
    byte[] images = ShardFashionMnistTest.raw("t10k-images-idx3-ubyte.gz");
    byte[] labels = ShardFashionMnistTest.raw("t10k-labels-idx1-ubyte.gz");
    // plain images (read by seeking to 8 record ranges of ~1 MB) and gzip labels (decompressed per range)
    upload("/in/t10k-images-idx3-ubyte", images);
    upload("/in/t10k-labels-idx1-ubyte.gz", java.nio.file.Files.readAllBytes(
        FashionMnist.file("t10k-labels-idx1-ubyte.gz")));
    String out = uri + "/shards/fashion-test";
    ShardCommandTest.Run r = ShardCommandTest.cli("--format", "idx", "--input", uri + "/in/t10k-images-idx3-ubyte",
        "--labels", uri + "/in/t10k-labels-idx1-ubyte.gz", "--output", out, "--shards", "3", "--split", "test",
        "--set", "shard.split-bytes=1000000");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("-> 3 shards of 3333-3334 rows at " + out), r.out());

    TreeSet<String> names = new TreeSet<>();
    for (FileStatus s : fs.listStatus(new org.apache.hadoop.fs.Path("/shards/fashion-test"))) {
      names.add(s.getPath().getName());
    }
    assertEquals(new TreeSet<>(List.of("_SCORE_SDE", "_SUCCESS", "manifest.json", "part-00000.parquet", "part-00001.parquet",
        "part-00002.parquet")), names);
    assertEquals(1, fs.listStatus(new org.apache.hadoop.fs.Path("/shards")).length, "no temporary left beside the output");

    ShardedData data = ShardReader.read(spark, out);
    Manifest m = data.manifest();
    assertEquals(10000, m.count());
    assertEquals("test", m.split());
    assertEquals(IntStream.range(0, 10).boxed().collect(Collectors.toMap(i -> i, i -> 1000L)), m.labelCounts());
    assertEquals(10000, data.rows().count());
    List<Row> some = data.rows().where(functions.col(ShardSchema.INDEX).isin(0L, 4321L, 9999L)).collectAsList();
    assertEquals(3, some.size());
    for (Row row : some) {
      Example e = ShardSchema.toExample(row);
      int i = (int) e.index();
      assertArrayEquals(java.util.Arrays.copyOfRange(images, 16 + 784 * i, 16 + 784 * (i + 1)), e.pixels(), "image " + i);
      assertEquals(labels[8 + i] & 0xFF, e.label());
    }
  }

  @Test
  void csvByteRangesSeekOnHdfs() throws Exception {
    StringBuilder b = new StringBuilder("u,v,w\n");
    for (int i = 0; i < 500; i++) {
      b.append(i).append(',').append(i * 0.125f).append(',').append(-i).append('\n');
    }
    upload("/in/points/part-0.csv", b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    String out = uri + "/shards/points";
    ShardCommandTest.Run r = ShardCommandTest.cli("--format", "csv", "--input", uri + "/in/points", "--output", out,
        "--shards", "4", "--set", "shard.split-bytes=997");
    assertEquals(0, r.exit(), r.err());
    ShardedData data = ShardReader.read(spark, out);
    assertEquals(500, data.manifest().count());
    Map<Long, Example> back = ShardTesting.byIndex(spark, out);
    for (int i = 0; i < 500; i++) {
      assertArrayEquals(new float[] {i, i * 0.125f, -i}, back.get((long) i).values(), "row " + i);
    }
  }
}
