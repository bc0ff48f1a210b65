package org.scoresde.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.scoresde.cli.Main;
import org.scoresde.testing.StopsSpark;
import org.scoresde.testing.ToyMixture;

/**
 * evaluate integrates (example, dequantization draw) rows in batches that may split an example's
 * draws, and plans its partitions from the rows; neither the batch size nor the partitioning may
 * change any example's value or evaluation count, because every row's noise and probes are seeded
 * by the example and the draw. nll.json summarizes the values per class label too, and lists (with
 * their pictures) the least and most likely examples.
 */
@ExtendWith(StopsSpark.class)
class EvaluateBatchingTest {
  @TempDir static Path dir;

  @Test
  void valuesDoNotDependOnTheBatchSizeOrThePartitioning() throws Exception {
    Path idx = writeImages(dir.resolve("images-idx3-ubyte"), 10, 2, 2, 4L);
    Path labels = writeLabels(dir.resolve("labels-idx1-ubyte"), 10, 3);
    String shards = dir.resolve("shards").toString();
    assertEquals(0, Main.execute("shard", "--master", "local[2]", "--format", "idx", "--input", idx.toUri().toString(),
        "--labels", labels.toUri().toString(), "--output", shards, "--shards", "3"));
    String model = ToyMixture.draw(2, 4, 17, 8, 1L).writeModel(dir.resolve("gmm.json"));
    // batch 1: one row at a time; 4: an example's three draws split across batches; 64: all in one batch per partition
    List<List<Object>> reference = null;
    for (String batch : new String[] {"1", "4", "64"}) {
      String out = dir.resolve("nll-" + batch).toString();
      assertEquals(0, Main.execute("evaluate", "--master", "local[2]", "--model", model, "--sde", "vp", "--data", shards,
          "--out", out, "--trace", "rademacher", "--dequant-repeats", "3", "--rtol", "1e-6", "--atol", "1e-6",
          "--batch-size", batch));
      List<List<Object>> values = perExample(out);
      assertEquals(10, values.size());
      if (reference == null) {
        reference = values;
        assertPerLabelSummaries(out, values);
        assertExtremes(out, values);
        continue;
      }
      for (int i = 0; i < values.size(); i++) {
        assertEquals(reference.get(i).get(0), values.get(i).get(0));
        assertEquals((double) reference.get(i).get(1), (double) values.get(i).get(1), 1e-9,
            "example " + reference.get(i).get(0) + " at batch size " + batch);
        assertEquals((double) reference.get(i).get(2), (double) values.get(i).get(2), 0.0,
            "evaluations of example " + reference.get(i).get(0) + " at batch size " + batch);
      }
    }
  }

  @Test
  void partitionsFillTheirBatchesAndKeepTheCoresBusy() {
    // 16 images x 5 draws on 8 shards and 2 cores: two partitions of 40 rows, not eight of 10
    assertEquals(2, LikelihoodPartition.partitions(80, 64, 2, 8));
    // 256 images x 5 draws: the 8 input partitions stay
    assertEquals(8, LikelihoodPartition.partitions(1280, 64, 2, 8));
    // 64 images x 5 draws: five batches would leave a core idle in the third wave; six of ~53 rows do not
    assertEquals(6, LikelihoodPartition.partitions(320, 64, 2, 8));
    // one shard on a 4-core executor: split to keep the cores busy, never into empty partitions
    assertEquals(4, LikelihoodPartition.partitions(10_000, 64, 4, 1));
    assertEquals(3, LikelihoodPartition.partitions(3, 64, 4, 1));
    assertEquals(1, LikelihoodPartition.partitions(0, 64, 4, 8));
  }

  /** nll.json's per_label block: for each label, the mean and count of the per-example values carrying it. */
  private static void assertPerLabelSummaries(String out, List<List<Object>> values) throws IOException {
    JsonNode perLabel = new ObjectMapper().readTree(Files.readString(Path.of(out, "nll.json"))).get("per_label");
    long total = 0;
    for (int label = 0; label < 3; label++) {
      double sum = 0;
      int n = 0;
      for (List<Object> v : values) {
        if ((int) v.get(3) == label) {
          sum += (double) v.get(1);
          n++;
        }
      }
      JsonNode l = perLabel.get(String.valueOf(label));
      assertEquals(n, l.get("n").asLong(), "examples of label " + label);
      assertEquals(sum / n, l.get("mean").asDouble(), 1e-9, "mean of label " + label);
      assertTrue(l.get("ci95").get(0).asDouble() < l.get("mean").asDouble() || n < 2);
      total += n;
    }
    assertEquals(10, total);
    assertEquals(3, perLabel.size());
  }

  /**
   * nll.json's least_likely and most_likely: here all 10 examples (fewer than 16), by value descending and
   * ascending; least_likely.png and most_likely.png show them in that order, 8 a row, each image's
   * pixels those of its example (the images file's pixels 0..3 are grey levels 0..3).
   */
  private static void assertExtremes(String out, List<List<Object>> values) throws IOException {
    JsonNode nll = new ObjectMapper().readTree(Files.readString(Path.of(out, "nll.json")));
    List<List<Object>> descending = values.stream()
        .sorted((a, b) -> Double.compare((double) b.get(1), (double) a.get(1))).toList();
    int[][] pixels = imagePixels(10, 4, 4L);
    for (String end : new String[] {"least_likely", "most_likely"}) {
      JsonNode list = nll.get(end);
      assertEquals(10, list.size(), end);
      BufferedImage strip = ImageIO.read(Path.of(out, end + ".png").toFile());
      assertEquals(8 * (2 + 2) + 2, strip.getWidth(), end + " width: 8 images of 2 px a row");
      assertEquals(2 * (2 + 2) + 2, strip.getHeight(), end + " height: two rows");
      for (int k = 0; k < 10; k++) {
        List<Object> expected = descending.get(end.startsWith("least") ? k : 9 - k);
        JsonNode e = list.get(k);
        assertEquals((long) expected.get(0), e.get("index").asLong(), end + " rank " + k);
        assertEquals((double) expected.get(1), e.get("value").asDouble(), 0.0, end + " rank " + k);
        assertEquals((int) expected.get(3), e.get("label").asInt(), end + " rank " + k);
        int x0 = 2 + (k % 8) * 4;
        int y0 = 2 + (k / 8) * 4;
        int[] p = pixels[(int) e.get("index").asLong()];
        for (int j = 0; j < 4; j++) {
          assertEquals(p[j], strip.getRGB(x0 + j % 2, y0 + j / 2) & 0xff, end + " rank " + k + " pixel " + j);
        }
      }
    }
  }

  /** The pixels {@link #writeImages} writes: n images of d values 0..3 from one seeded stream. */
  private static int[][] imagePixels(int n, int d, long seed) {
    Random r = new Random(seed);
    int[][] p = new int[n][d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        p[i][j] = r.nextInt(4);
      }
    }
    return p;
  }

  /** An IDX1 label file of n labels i mod classes. */
  private static Path writeLabels(Path file, int n, int classes) throws IOException {
    try (OutputStream os = Files.newOutputStream(file); DataOutputStream out = new DataOutputStream(os)) {
      out.writeInt(0x801);
      out.writeInt(n);
      for (int i = 0; i < n; i++) {
        out.writeByte(i % classes);
      }
    }
    return file;
  }

  /** An IDX3 file of n h x w images with pixel values 0..3 (near the mixture's scale under the identity transform). */
  private static Path writeImages(Path file, int n, int h, int w, long seed) throws IOException {
    Random r = new Random(seed);
    try (OutputStream os = Files.newOutputStream(file); DataOutputStream out = new DataOutputStream(os)) {
      out.writeInt(0x803);
      out.writeInt(n);
      out.writeInt(h);
      out.writeInt(w);
      for (int i = 0; i < n * h * w; i++) {
        out.writeByte(r.nextInt(4));
      }
    }
    return file;
  }

  private static List<List<Object>> perExample(String out) {
    return SparkSessions.create("test", "local[2]").read().parquet(out + "/per_example").orderBy("index").collectAsList()
        .stream().map(EvaluateBatchingTest::fields).toList();
  }

  private static List<Object> fields(Row r) {
    return List.of(r.getLong(r.fieldIndex("index")), r.getDouble(r.fieldIndex("value")), r.getDouble(r.fieldIndex("nfe")),
        r.getInt(r.fieldIndex("label")));
  }
}
