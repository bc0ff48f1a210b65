package org.scoresde.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.scoresde.cli.Main;
import org.scoresde.likelihood.ProbabilityFlowLikelihood;
import org.scoresde.score.EmpiricalOptimalScore;
import org.scoresde.sde.VpSde;
import org.scoresde.testing.CliRun;
import org.scoresde.testing.StopsSpark;
import org.scoresde.testing.ToyMixture;

/**
 * {@code --model empirical:DATA}: the exact optimal score of a shard directory's own examples, as
 * sample and evaluate use it. Its likelihood of those examples equals the empirical distribution's
 * exact log density, and its samples are the examples again (the memorization limit).
 */
@ExtendWith(StopsSpark.class)
class EmpiricalModelJobsTest {
  @TempDir static Path dir;
  static INDArray points;
  static String shards;

  @BeforeAll
  static void shardPoints() throws Exception {
    ToyMixture toy = ToyMixture.draw(3, 2, 21, 12, 8L);
    points = toy.points();
    shards = toy.shard(dir, "points", "local[2]", dir.resolve("shards").toString(), 2);
  }

  @Test
  void evaluateOfTheDataItselfMatchesTheEmpiricalExactLogDensity() throws Exception {
    Path out = dir.resolve("eval");
    assertEquals(0, Main.execute("evaluate", "--master", "local[2]", "--model", "empirical:" + shards, "--sde", "vp",
        "--data", shards, "--out", out.toString(), "--trace", "exact"));
    JsonNode nll = new ObjectMapper().readTree(Files.readString(out.resolve("nll.json")));
    assertEquals(12, nll.get("n").asLong());
    EmpiricalOptimalScore exact = new EmpiricalOptimalScore(points, new VpSde());
    double meanNll = -exact.logDensity(points.castTo(DataType.FLOAT).castTo(DataType.DOUBLE),
        Nd4j.valueArrayOf(12, ProbabilityFlowLikelihood.DEFAULT_ETA).castTo(DataType.DOUBLE)).meanNumber().doubleValue() / 2;
    // the points were sharded as floats: the exact density is taken at those values. Integration error
    // (rtol 1e-5) and the prior mismatch stay far below 1e-2 nats/dim; the density is sharp (sigma ~ 1e-3),
    // so -log p is strongly negative, unlike any network's
    assertTrue(meanNll < -2, "a memorizing density: " + meanNll);
    assertEquals(meanNll, nll.get("nats_per_dim").asDouble(), 1e-2);
  }

  @Test
  void samplesAreTheDataPointsAgain() throws Exception {
    Path out = dir.resolve("samples");
    assertEquals(0, Main.execute("sample", "--master", "local[2]", "--model", "empirical:" + shards, "--sde", "vp",
        "--sampler", "dpm-solver", "--steps", "50", "--n", "64", "--out", out.toString(), "--set", "sample.denoise-final=false"));
    List<String> lines = Files.readAllLines(out.resolve("samples.csv"));
    assertEquals(65, lines.size());
    double[][] p = points.toDoubleMatrix();
    double nearestPair = Double.POSITIVE_INFINITY;
    for (int a = 0; a < p.length; a++) {
      for (int b = a + 1; b < p.length; b++) {
        nearestPair = Math.min(nearestPair, Math.hypot(p[a][0] - p[b][0], p[a][1] - p[b][1]));
      }
    }
    for (String l : lines.subList(1, lines.size())) {
      String[] f = l.split(",");
      double x = Double.parseDouble(f[0]);
      double y = Double.parseDouble(f[1]);
      double nearest = Double.POSITIVE_INFINITY;
      for (double[] q : p) {
        nearest = Math.min(nearest, Math.hypot(x - q[0], y - q[1]));
      }
      // a sample is x at the last time eps = 1e-3, a point plus noise of sigma ~ 0.0105 in each of 2 dimensions:
      // five sigma is 0.05
      assertTrue(nearest < 0.05 && nearest < nearestPair / 3, "sample " + l + " is " + nearest + " from the nearest point, "
          + "points are " + nearestPair + " apart");
    }
  }

  @Test
  void theFinalDenoisingStepReturnsTheDataPointsThemselves() throws Exception {
    Path plain = dir.resolve("plain");
    Path denoised = dir.resolve("denoised");
    for (Path out : List.of(plain, denoised)) {
      assertEquals(0, Main.execute("sample", "--master", "local[2]", "--model", "empirical:" + shards, "--sde", "vp",
          "--sampler", "dpm-solver", "--steps", "20", "--n", "16", "--out", out.toString(),
          "--set", "sample.denoise-final=" + (out == denoised)));
    }
    JsonNode a = new ObjectMapper().readTree(Files.readString(plain.resolve("sample.json")));
    JsonNode b = new ObjectMapper().readTree(Files.readString(denoised.resolve("sample.json")));
    assertFalse(a.get("denoise_final").asBoolean());
    assertTrue(b.get("denoise_final").asBoolean());
    assertEquals(a.get("nfe").asLong() + 1, b.get("nfe").asLong(), "one more score evaluation");
    double[][] p = points.toDoubleMatrix();
    List<String> lines = Files.readAllLines(denoised.resolve("samples.csv"));
    assertEquals(17, lines.size());
    for (String l : lines.subList(1, lines.size())) {
      String[] f = l.split(",");
      double nearest = Double.POSITIVE_INFINITY;
      for (double[] q : p) {
        nearest = Math.min(nearest, Math.hypot(Double.parseDouble(f[0]) - q[0], Double.parseDouble(f[1]) - q[1]));
      }
      // E[x0 | x_eps] of the empirical distribution is a softmax-weighted mean of the points, all weight on the
      // nearest one at sigma ~ 0.01: the point itself, to float precision
      assertTrue(nearest < 1e-5, "denoised sample " + l + " is " + nearest + " from the nearest point");
    }
  }

  @Test
  void theEmpiricalScoreMemorizesAndNearestTrainingSaysSo() throws Exception {
    ToyMixture other = ToyMixture.draw(3, 2, 21, 40, 99L);
    String heldOut = other.shard(dir, "held-out", "local[2]", dir.resolve("held-out-shards").toString(), 2);
    Path out = dir.resolve("memorized");
    assertEquals(0, Main.execute("sample", "--master", "local[2]", "--model", "empirical:" + shards, "--sde", "vp",
        "--n", "24", "--out", out.toString(), "--set", "sample.denoise-final=true", "--training", shards,
        "--held-out", heldOut));
    JsonNode nt = new ObjectMapper().readTree(Files.readString(out.resolve("sample.json"))).get("nearest_training");
    assertEquals(12, nt.get("training_examples").asLong());
    assertEquals(24, nt.get("samples").get("n").asLong());
    assertEquals(40, nt.get("held_out_examples").get("n").asLong());
    // the held-out points' own nearest distances, computed here directly (RMS over the 2 dimensions)
    double[][] p = points.toDoubleMatrix();
    double[] expected = new double[40];
    double[][] h = other.points().toDoubleMatrix();
    for (int i = 0; i < 40; i++) {
      expected[i] = Double.POSITIVE_INFINITY;
      for (double[] q : p) {
        expected[i] = Math.min(expected[i], Math.sqrt((Math.pow(h[i][0] - q[0], 2) + Math.pow(h[i][1] - q[1], 2)) / 2));
      }
    }
    java.util.Arrays.sort(expected);
    double median = (expected[19] + expected[20]) / 2;
    // the points travel as floats through the shards
    assertEquals(median, nt.get("held_out_examples").get("median").asDouble(), 1e-6);
    assertEquals(expected[0], nt.get("held_out_examples").get("min").asDouble(), 1e-6);
    assertTrue(nt.get("samples").get("median").asDouble() < 1e-5, "the denoised samples are training points");
    assertTrue(nt.get("ratio_of_medians").asDouble() < 1e-3, nt.toString());
  }

  @Test
  void anEmpiricalModelNeedsItsSdeAndShards() {
    Object[] noSde = CliRun.run("sample", "--master", "local[2]", "--model", "empirical:" + shards, "--n", "4", "--out",
        dir.resolve("no-sde").toString());
    Object[] notShards = CliRun.run("sample", "--master", "local[2]", "--model", "empirical:" + dir.resolve("nowhere"),
        "--sde", "vp", "--n", "4", "--out", dir.resolve("no-data").toString());
    String text = (String) noSde[2] + notShards[2];
    assertEquals(2, noSde[0], text);
    assertTrue(text.contains("error: model empirical:" + shards + " is the empirical optimal score of a data set: choose its"
        + " SDE with --sde vp|subvp|ve"), text);
    assertEquals(2, notShards[0], text);
    assertTrue(text.contains("error: data " + dir.resolve("nowhere") + " does not exist"), text);
    assertFalse(Files.exists(dir.resolve("no-sde")) || Files.exists(dir.resolve("no-data")), "nothing written");
  }
}
