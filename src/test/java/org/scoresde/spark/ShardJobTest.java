package org.scoresde.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scoresde.config.UserError;
import org.scoresde.data.Cifar10Input;
import org.scoresde.data.Example;
import org.scoresde.data.Manifest;
import org.scoresde.data.ShardFormat;
import org.scoresde.data.ShardPermutation;
import org.scoresde.data.ShardSchema;
import org.scoresde.data.Slice;
import org.scoresde.data.TestFiles;

/** The shard job on local[2] with CIFAR-10 batches, PNG folders and CSV vectors the tests write. */
class ShardJobTest {
  private static SparkSession spark;
  @TempDir static Path tmp;

  @BeforeAll
  static void start() {
    spark = SparkSessions.create("shard-test", "local[2]");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static Path cifar() throws Exception {
    Path in = tmp.resolve("cifar");
    if (!Files.exists(in)) {
      TestFiles.put(in.resolve("data_batch_1.bin"), TestFiles.cifarBatch(0, 37));
      TestFiles.put(in.resolve("data_batch_2.bin"), TestFiles.cifarBatch(37, 23));
    }
    return in;
  }

  private static ShardResult shardCifar(String name, int shards, long seed) throws Exception {
    return ShardJob.run(spark, ShardTesting.request(ShardFormat.CIFAR10, cifar().toString(), null,
        tmp.resolve(name).toString(), shards, seed, null, 10L * Cifar10Input.RECORD), System.err);
  }

  @Test
  void cifarBatchesBecomeBalancedShardsWhosePixelsEqualThoseWritten() throws Exception {
    ShardResult r = shardCifar("c1", 4, 7);
    Manifest m = r.manifest();
    assertEquals(60, m.count());
    assertEquals(List.of(32, 32, 3), List.of(m.height(), m.width(), m.channels()));
    assertEquals("cifar10", m.format());
    assertEquals(4, m.shards());
    assertEquals(List.of(15L, 15L, 15L, 15L), m.shardFiles().stream().map(Manifest.ShardFile::rows).toList());
    assertEquals(List.of("part-00000.parquet", "part-00001.parquet", "part-00002.parquet", "part-00003.parquet"),
        m.shardFiles().stream().map(Manifest.ShardFile::file).toList());
    assertEquals(Cifar10Input.CLASSES, m.classes());
    Map<Integer, Long> labels = new TreeMap<>();
    double[] sum = new double[3];
    for (int i = 0; i < 60; i++) {
      labels.merge(TestFiles.cifarLabel(i), 1L, Long::sum);
      byte[] p = TestFiles.pixels(i, 3072);
      for (int j = 0; j < 3072; j++) {
        sum[j / 1024] += p[j] & 0xFF;
      }
    }
    assertEquals(labels, m.labelCounts());
    for (int c = 0; c < 3; c++) {
      // an exact integer sum divided once: equal to double rounding
      assertEquals(sum[c] / (60 * 1024), m.mean().get(c), 1e-12);
    }
    Map<Long, Example> back = ShardTesting.byIndex(spark, r.dir());
    assertEquals(60, back.size());
    for (long i = 0; i < 60; i++) {
      assertArrayEquals(TestFiles.pixels(i, 3072), back.get(i).pixels(), "example " + i);
      assertEquals(TestFiles.cifarLabel(i), back.get(i).label());
    }
    assertTrue(Files.exists(Path.of(r.dir(), "_SUCCESS")));
    assertTrue(ShardTesting.nothingAt(tmp.resolve("c1-never")));
  }

  @Test
  void shardsAreDeterministicForASeedAndTheChecksumIgnoresSeedAndShardCount() throws Exception {
    ShardResult a = shardCifar("d1", 4, 11);
    ShardResult b = shardCifar("d2", 4, 11);
    ShardResult c = shardCifar("d3", 4, 12);
    ShardResult d = shardCifar("d4", 3, 11);
    List<List<Long>> ia = shardIndices(a);
    assertEquals(ia, shardIndices(b), "same seed, same shards in the same order");
    assertNotEquals(ia, shardIndices(c), "another seed, another order");
    assertEquals(3, d.manifest().shardFiles().size());
    assertEquals(a.manifest().checksum(), b.manifest().checksum());
    assertEquals(a.manifest().checksum(), c.manifest().checksum());
    assertEquals(a.manifest().checksum(), d.manifest().checksum());
  }

  @Test
  void slicesOfOneSeedsShuffleAreDisjointRandomSubsetsRenumberedFromZero() throws Exception {
    ShardRequest whole = ShardTesting.request(ShardFormat.CIFAR10, cifar().toString(), null, tmp.resolve("s").toString(), 3, 5,
        null, 10L * Cifar10Input.RECORD);
    Map<Long, Long> original = new TreeMap<>();
    for (String range : new String[] {"0:45", "45:60"}) {
      Slice slice = Slice.parse(range);
      ShardRequest req = new ShardRequest(whole.input(), tmp.resolve("slice-" + slice.from()).toString(), 3, false, 5,
          whole.targetShardBytes(), 0.05, slice);
      java.io.ByteArrayOutputStream progress = new java.io.ByteArrayOutputStream();
      ShardResult r = ShardJob.run(spark, req, new java.io.PrintStream(progress, true, java.nio.charset.StandardCharsets.UTF_8));
      List<String> lines = progress.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
      assertTrue(!lines.isEmpty(), "no progress line");
      for (String line : lines) {
        assertTrue(line.startsWith("shard: ") && line.contains("/" + slice.size() + " rows written"), "counts the slice: " + line);
      }
      Manifest m = r.manifest();
      assertEquals(slice.size(), m.count());
      assertEquals(List.of(slice.from(), slice.to()), m.range());
      assertEquals(m.count(), m.labelCounts().values().stream().mapToLong(Long::longValue).sum());
      Map<Long, Example> back = ShardTesting.byIndex(spark, r.dir());
      assertEquals(slice.size(), back.size());
      ShardPermutation shuffle = new ShardPermutation(60, 5);
      for (long i = 0; i < 60; i++) {
        long rank = shuffle.permute(i);
        if (slice.contains(rank)) {
          Example e = back.get(rank - slice.from());
          assertArrayEquals(TestFiles.pixels(i, 3072), e.pixels(), "input example " + i + " at shuffle position " + rank);
          assertEquals(TestFiles.cifarLabel(i), e.label());
          assertEquals(null, original.put(i, rank), "input example " + i + " in two slices");
        }
      }
    }
    assertEquals(60, original.size(), "the two slices hold the whole input");
    Path beyond = tmp.resolve("slice-beyond");
    UserError e = assertThrows(UserError.class, () -> ShardJob.run(spark, new ShardRequest(whole.input(), beyond.toString(),
        3, false, 5, whole.targetShardBytes(), 0, Slice.parse("50:61")), System.err));
    assertEquals("--range 50:61 reaches beyond the input's 60 examples (TO is at most 60)", e.getMessage());
    assertTrue(ShardTesting.nothingAt(beyond));
  }

  /** The index column of each shard file, in file order (one read of the whole directory). */
  private static List<List<Long>> shardIndices(ShardResult r) {
    Map<String, List<Long>> byFile = new TreeMap<>();
    for (Row row : ShardReader.read(spark, r.dir()).rows()
        .select(functions.input_file_name(), functions.col(ShardSchema.INDEX)).collectAsList()) {
      byFile.computeIfAbsent(row.getString(0), k -> new ArrayList<>()).add(row.getLong(1));
    }
    assertEquals(r.manifest().shards(), byFile.size());
    return new ArrayList<>(byFile.values());
  }

  @Test
  void aPngFolderTreeKeepsExactPixelsAndFolderLabels() throws Exception {
    Path in = tmp.resolve("png");
    String[] classes = {"ankle-boot", "bag", "coat"};
    for (int i = 0; i < 12; i++) {
      TestFiles.write(TestFiles.grey(i, 5, 7), "png", in.resolve(classes[i % 3] + "/img" + String.format("%02d", i) + ".png"));
    }
    ShardResult r = ShardJob.run(spark, ShardTesting.request(ShardFormat.IMAGES, in.toString(), null,
        tmp.resolve("png-out").toString(), 5, 1, null, 100), System.err);
    Manifest m = r.manifest();
    assertEquals(List.of(12L, 5L, 7L, 1), List.of(m.count(), (long) m.height(), (long) m.width(), m.channels()));
    assertEquals(List.of(classes), m.classes());
    assertEquals(Map.of(0, 4L, 1, 4L, 2, 4L), m.labelCounts());
    // files in path order: the 4 of ankle-boot (images 0,3,6,9), then bag (1,4,7,10), then coat (2,5,8,11)
    int[] image = {0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11};
    Map<Long, Example> back = ShardTesting.byIndex(spark, r.dir());
    for (int k = 0; k < 12; k++) {
      assertArrayEquals(TestFiles.pixels(image[k], 35), back.get((long) k).pixels(), "index " + k);
      assertEquals(k / 4, back.get((long) k).label());
    }
  }

  @Test
  void csvVectorsAreStoredAsFloatsWithTheirStatistics() throws Exception {
    Path in = tmp.resolve("csv");
    StringBuilder b = new StringBuilder("x,y\n");
    double s = 0;
    for (int i = 0; i < 101; i++) {
      b.append(i * 0.25f).append(',').append(-2f * i).append('\n');
      s += i * 0.25 - 2.0 * i;
    }
    Files.createDirectories(in);
    Files.writeString(in.resolve("points.csv"), b.toString());
    ShardResult r = ShardJob.run(spark, ShardTesting.request(ShardFormat.CSV, in.toString(), null,
        tmp.resolve("csv-out").toString(), 3, 1, null, 700), System.err);
    Manifest m = r.manifest();
    assertEquals("float32", m.encoding());
    assertEquals(List.of(101L, 1L, 2L, 1L), List.of(m.count(), (long) m.height(), (long) m.width(), (long) m.channels()));
    assertTrue(m.labelCounts().isEmpty());
    // the values are exact binary fractions: the running mean is exact to double rounding
    assertEquals(s / 202, m.mean().get(0), 1e-12);
    Map<Long, Example> back = ShardTesting.byIndex(spark, r.dir());
    for (int i = 0; i < 101; i++) {
      assertArrayEquals(new float[] {i * 0.25f, -2f * i}, back.get((long) i).values());
    }
  }

  @Test
  void progressLinesCountRowsAndEstimateTheTimeLeft() throws Exception {
    java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
    ShardRequest req = ShardTesting.request(ShardFormat.CIFAR10, cifar().toString(), null, tmp.resolve("progress").toString(),
        2, 1, null, 4L * Cifar10Input.RECORD);
    ShardRequest every50ms = new ShardRequest(req.input(), req.output(), 2, false, 1, req.targetShardBytes(), 0.05);
    ShardJob.run(spark, every50ms, new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8));
    List<String> lines = buf.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
    assertTrue(!lines.isEmpty(), "no progress line in a job of more than 50 ms");
    java.util.regex.Pattern form = java.util.regex.Pattern.compile(
        "shard: (\\d+)/60 rows written \\((\\d+) read\\), \\d+\\.\\d s, ETA (\\?|\\d+ s)");
    long lastRead = 0;
    for (String line : lines) {
      java.util.regex.Matcher m = form.matcher(line);
      assertTrue(m.matches(), line);
      long read = Long.parseLong(m.group(2));
      assertTrue(read >= lastRead && read <= 60 && Long.parseLong(m.group(1)) <= read, line);
      lastRead = read;
    }
  }

  @Test
  void badDataFoundByAReadTaskLeavesNoOutput() throws Exception {
    Path in = tmp.resolve("bad-png");
    for (int i = 0; i < 6; i++) {
      TestFiles.write(TestFiles.rgb(i, 20, 20), "png", in.resolve("p" + i + ".png"));
    }
    Path broken = in.resolve("p4.png");
    byte[] bytes = Files.readAllBytes(broken);
    Files.write(broken, TestFiles.truncate(bytes, bytes.length / 2));
    Path out = tmp.resolve("bad-out");
    UserError e = assertThrows(UserError.class, () -> ShardJob.run(spark, ShardTesting.request(ShardFormat.IMAGES,
        in.toString(), null, out.toString(), 2, 1, null, 100), System.err));
    assertTrue(e.getMessage().startsWith(broken + ": corrupt or truncated image"), e.getMessage());
    assertTrue(ShardTesting.nothingAt(out));
  }

  @Test
  void theReaderRefusesUnfinishedOrForeignDirectories() throws Exception {
    Path unfinished = tmp.resolve("unfinished");
    Files.createDirectories(unfinished);
    Files.writeString(unfinished.resolve(Manifest.FILE_NAME), "{}");
    UserError e = assertThrows(UserError.class, () -> ShardReader.read(spark, unfinished.toString()));
    assertTrue(e.getMessage().contains("has no _SUCCESS"), e.getMessage());
    Files.writeString(unfinished.resolve("_SUCCESS"), "");
    e = assertThrows(UserError.class, () -> ShardReader.read(spark, unfinished.toString()));
    assertTrue(e.getMessage().endsWith("manifest.json: manifest version 0 is not supported (expected 1)"), e.getMessage());
    e = assertThrows(UserError.class, () -> ShardReader.read(spark, tmp.resolve("nowhere").toString()));
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
  }
}
