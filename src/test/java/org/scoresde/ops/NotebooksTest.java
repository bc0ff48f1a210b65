package org.scoresde.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.scoresde.cli.Main;
import org.scoresde.score.GaussianMixture;
import org.scoresde.testing.FashionMnist;
import org.scoresde.testing.StopsSpark;

/**
 * The Scala notebooks in notebooks-scala/, each run by the Spark shell (org.apache.spark.repl.Main -i)
 * in a JVM of its own against a small real run: Fashion-MNIST's test split sharded, and a 2-D
 * Gaussian mixture sharded, trained twice (two seeds; an EMA decay of 0.9 so that 64 rounds move the
 * averaged weights) and evaluated here on local[2]. Every notebook
 * must exit 0 and write its PNG figures and a summary whose numbers make sense. Heavy: two trainings
 * and four Spark shells take several minutes on 2 cores.
 */
@ExtendWith(StopsSpark.class)
class NotebooksTest {
  private static final String[] SMALL = {"--master", "local[2]", "--set", "train.batch-size=32",
      "--set", "train.averaging-frequency=2", "--set", "train.workers=2", "--set", "train.warmup=10",
      "--set", "train.learning-rate=3e-3", "--set", "train.checkpoint-every=4", "--set", "net.base-channels=64",
      "--set", "net.residual-blocks=2", "--set", "train.ema-decay=0.9", "--epochs", "8"};

  @TempDir static Path dir;
  static Path toy;
  static Path runA;
  static Path runB;
  static Path fashion;

  @BeforeAll
  static void smallRuns() throws Exception {
    GaussianMixture m = GaussianMixture.random(3, 2, new Random(2));
    StringBuilder csv = new StringBuilder();
    for (double[] row : m.sample(1024, 3L, DataType.DOUBLE).toDoubleMatrix()) {
      csv.append(row[0]).append(',').append(row[1]).append('\n');
    }
    Files.writeString(dir.resolve("toy.csv"), csv.toString());
    toy = dir.resolve("toy");
    runA = dir.resolve("run-a");
    runB = dir.resolve("run-b");
    fashion = dir.resolve("fashion");
    assertEquals(0, Main.execute("shard", "--master", "local[2]", "--format", "csv", "--input",
        dir.resolve("toy.csv").toString(), "--output", toy.toString(), "--shards", "2"));
    assertEquals(0, train(runA, 1));
    assertEquals(0, train(runB, 2));
    assertEquals(0, Main.execute("evaluate", "--master", "local[2]", "--model", runA.resolve("model.zip").toString(),
        "--data", toy.toString(), "--out", runA.resolve("eval").toString(), "--limit", "32", "--batch-size", "32",
        "--rtol", "1e-3", "--atol", "1e-3"));
    assertEquals(0, Main.execute("shard", "--master", "local[2]", "--format", "idx", "--input", FashionMnist.path("t10k-images-idx3-ubyte.gz"),
        "--labels", FashionMnist.path("t10k-labels-idx1-ubyte.gz"), "--output", fashion.toString(), "--shards", "4"));
  }

  @Test
  void exploreShards() throws Exception {
    Map<String, String> s = notebook("explore-shards", Map.of("data", fashion.toString()),
        "shard-counts.png", "label-counts.png", "histogram.png", "examples.png");
    assertEquals("10000", s.get("count"));
    assertEquals("4", s.get("shards"));
    assertEquals("10", s.get("labels"));
    assertEquals("2500", s.get("min_shard"));
    double zeros = Double.parseDouble(s.get("zero_fraction"));
    assertTrue(zeros > 0.3 && zeros < 0.7, "Fashion-MNIST's background share " + zeros);
  }

  @Test
  void runLossAndNll() throws Exception {
    Map<String, String> s = notebook("run-loss-nll", Map.of("run", runA.toString()),
        "loss.png", "throughput.png", "nll-histogram.png", "nll-vs-nfe.png");
    assertEquals("64", s.get("rounds"));
    assertEquals("32", s.get("n"));
    assertEquals(Double.parseDouble(s.get("nll")), Double.parseDouble(s.get("nll_per_example_mean")), 1e-5);
    assertTrue(Double.parseDouble(s.get("loss_last")) < Double.parseDouble(s.get("loss_first")), s.toString());
  }

  @Test
  void samplingGeometry() throws Exception {
    Map<String, String> s = notebook("sampling-geometry", Map.of("model", runA.resolve("model.zip").toString(),
        "data", toy.toString(), "samples", "24", "steps", "30"),
        "trajectories.png", "convergence.png", "score-distance.png", "curvature.png");
    assertTrue(Double.parseDouble(s.get("length_over_chord_mean")) >= 1.0, s.toString());
    // under the optimal score the denoised estimate reaches the end of the path long before the path does
    // (the learned model's numbers are reported; a toy model trained for a minute is no reference)
    // (measured: 0.014 against 0.028 of x_T's distance, in the coordinates x_t / gamma_t)
    assertTrue(Double.parseDouble(s.get("opt_rel_dist_halfway_x0hat")) < Double.parseDouble(s.get("opt_rel_dist_halfway_xt")), s.toString());
    // the empirical optimal score reproduces training points; the network does not
    assertTrue(Double.parseDouble(s.get("nearest_training_point_optimal"))
        < Double.parseDouble(s.get("nearest_training_point_learned")), s.toString());
  }

  @Test
  void identifiability() throws Exception {
    Map<String, String> s = notebook("identifiability", Map.of("model-a", runA.resolve("model.zip").toString(),
        "model-b", runB.resolve("model.zip").toString(), "data", toy.toString(), "examples", "128"),
        "latents-a-vs-b.png", "latents.png", "distances.png");
    // two seeds, one encoding: the same example lands much closer to itself than to a random other one
    // (measured on such toy runs: correlations 0.94 and 0.83, paired / random distance 0.33; unrelated
    // encodings would give ~0 and ~1)
    assertTrue(Double.parseDouble(s.get("paired_over_random")) < 0.6, s.toString());
    assertTrue(Double.parseDouble(s.get("correlation_min")) > 0.6, s.toString());
  }

  /** Runs notebooks-scala/NAME.scala in the Spark shell and returns its summary.txt; checks the figures. */
  private static Map<String, String> notebook(String name, Map<String, String> inputs, String... figures) throws Exception {
    Path out = dir.resolve("figures-" + name);
    List<String> cmd = new ArrayList<>();
    cmd.add(OpsFiles.java());
    cmd.addAll(OpsFiles.java17Opens());
    cmd.addAll(List.of("-Xmx2g", "-Dorg.bytedeco.javacpp.maxbytes=2G", "-Djava.awt.headless=true",
        "-cp", String.join(java.io.File.pathSeparator, OpsFiles.classPath()),
        "-Dspark.master=local[2]", "-Dspark.ui.enabled=false", "-Dspark.sql.shuffle.partitions=4",
        "-Dspark.driver.host=127.0.0.1", "-Dspark.driver.bindAddress=127.0.0.1", "-Dnotebook.out=" + out));
    inputs.forEach((k, v) -> cmd.add("-Dnotebook." + k + "=" + v));
    cmd.addAll(List.of("org.apache.spark.repl.Main", "-usejavacp", "-i",
        OpsFiles.home().resolve("notebooks-scala/" + name + ".scala").toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("OMP_NUM_THREADS", "1");
    Process p = pb.start();
    // a notebook ends with sys.exit(0); if it fails to compile or throws, the shell turns to stdin
    try (OutputStream in = p.getOutputStream()) {
      in.write("sys.exit(1)\n".getBytes(StandardCharsets.UTF_8));
    }
    byte[] log = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(15, TimeUnit.MINUTES), name + " did not end");
    String output = new String(log, StandardCharsets.UTF_8);
    Files.writeString(dir.resolve(name + ".log"), output);
    assertEquals(0, p.exitValue(), name + " failed:\n" + output);
    for (String figure : figures) {
      Path png = out.resolve(figure);
      assertTrue(Files.isRegularFile(png), name + " wrote no " + figure + ":\n" + output);
      BufferedImage img = ImageIO.read(png.toFile());
      assertNotNull(img, figure + " is not a PNG");
      assertTrue(img.getWidth() >= 200 && img.getHeight() >= 200, figure);
    }
    return summary(out.resolve("summary.txt"));
  }

  private static Map<String, String> summary(Path file) throws IOException {
    Map<String, String> values = new HashMap<>();
    for (String line : Files.readAllLines(file)) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        values.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return values;
  }

  private static int train(Path out, int seed) {
    List<String> args = new ArrayList<>(List.of("train", "--data", toy.toString(), "--out", out.toString(),
        "--seed", String.valueOf(seed)));
    args.addAll(List.of(SMALL));
    return Main.execute(args.toArray(String[]::new));
  }
}
