package org.scoresde.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.scoresde.cli.Main;
import org.scoresde.likelihood.ProbabilityFlowLikelihood;
import org.scoresde.score.GaussianMixture;
import org.scoresde.score.GaussianMixtureScore;
import org.scoresde.sde.VpSde;
import org.scoresde.testing.CliRun;
import org.scoresde.testing.StopsSpark;
import org.scoresde.testing.ToyMixture;

/**
 * The evaluate and sample jobs end to end on local Spark with an exact mixture model: data drawn
 * from a random mixture is sharded from CSV, evaluated with the exact trace, and compared with the
 * mixture's exact log density; every sampler's samples are compared with the mixture's moments.
 */
@ExtendWith(StopsSpark.class)
class GmmJobsTest {
  @TempDir static Path dir;
  static GaussianMixture mixture;
  static INDArray points;

  @BeforeAll
  static void shardMixtureData() throws Exception {
    ToyMixture toy = ToyMixture.draw(3, 2, 11, 300, 5L);
    mixture = toy.mixture();
    points = toy.points();
    toy.writeModel(dir.resolve("gmm.json"));
    toy.shard(dir, "points", "local[2]", dir.resolve("shards").toString(), 3);
  }

  @Test
  void evaluateWithExactTraceMatchesTheExactMeanLogDensity() throws Exception {
    Path out = dir.resolve("eval");
    assertEquals(0, Main.execute("evaluate", "--master", "local[2]", "--model", "gmm:" + dir.resolve("gmm.json"),
        "--sde", "vp", "--data", dir.resolve("shards").toString(), "--out", out.toString(), "--trace", "exact"));
    JsonNode nll = new ObjectMapper().readTree(Files.readString(out.resolve("nll.json")));
    assertTrue(Files.exists(out.resolve("_SUCCESS")));
    assertEquals(300, nll.get("n").asLong());
    assertTrue(nll.get("bits_per_dim").isNull());
    assertEquals(3, nll.get("per_shard").size());
    GaussianMixtureScore exact = new GaussianMixtureScore(mixture, new VpSde());
    double meanNll = -exact.logDensity(points, Nd4j.valueArrayOf(300, ProbabilityFlowLikelihood.DEFAULT_ETA)
        .castTo(DataType.DOUBLE)).meanNumber().doubleValue() / 2;
    // integration error is ~1e-5 nats/dim (verify); the prior mismatch averages to KL(p_T || N(0,I)) ~ 1e-4
    assertEquals(meanNll, nll.get("nats_per_dim").asDouble(), 1e-3);
    double[] ci = {nll.get("ci95").get(0).asDouble(), nll.get("ci95").get(1).asDouble()};
    assertTrue(ci[0] < nll.get("nats_per_dim").asDouble() && nll.get("nats_per_dim").asDouble() < ci[1]);
  }

  @Test
  void evaluateInTenDimensionsMatchesTheExactMeanLogDensity() throws Exception {
    ToyMixture toy10 = ToyMixture.draw(3, 10, 12, 120, 6L);
    GaussianMixture m10 = toy10.mixture();
    INDArray x = toy10.points();
    toy10.writeModel(dir.resolve("gmm10.json"));
    Path shards = Path.of(toy10.shard(dir, "points10", "local[2]", dir.resolve("shards10").toString(), 2));
    Path out = dir.resolve("eval10");
    assertEquals(0, Main.execute("evaluate", "--master", "local[2]", "--model", "gmm:" + dir.resolve("gmm10.json"),
        "--sde", "subvp", "--data", shards.toString(), "--out", out.toString(), "--trace", "exact"));
    JsonNode nll = new ObjectMapper().readTree(Files.readString(out.resolve("nll.json")));
    assertEquals(120, nll.get("n").asLong());
    double exact = -new GaussianMixtureScore(m10, new org.scoresde.sde.SubVpSde()).logDensity(x,
        Nd4j.valueArrayOf(120, ProbabilityFlowLikelihood.DEFAULT_ETA).castTo(DataType.DOUBLE)).meanNumber().doubleValue() / 10;
    // same budget as in two dimensions: integration ~1e-5 and the prior mismatch ~1e-4 nats/dim
    assertEquals(exact, nll.get("nats_per_dim").asDouble(), 1e-3);
  }

  @Test
  void everySamplerReproducesTheMixtureMeanAndVariance() throws Exception {
    double[] mean = points.mean(0).toDoubleVector();
    INDArray big = mixture.sample(4000, 9L, DataType.DOUBLE);
    double[] trueMean = big.mean(0).toDoubleVector();
    double[] sd = big.std(0).toDoubleVector();
    for (String sampler : List.of("euler-maruyama", "pc", "ode-euler", "heun", "dopri5", "dpm-solver", "ddim")) {
      Path out = dir.resolve("samples-" + sampler);
      int steps = sampler.equals("dpm-solver") ? 20 : sampler.equals("heun") ? 40 : 200;
      assertEquals(0, Main.execute("sample", "--master", "local[2]", "--model", "gmm:" + dir.resolve("gmm.json"),
          "--sde", "vp", "--sampler", sampler, "--steps", String.valueOf(steps), "--schedule", "uniform",
          "--n", "600", "--out", out.toString()), sampler);
      List<String> lines = Files.readAllLines(out.resolve("samples.csv"));
      assertEquals(601, lines.size(), sampler);
      // each partition draws its 150 samples in batches of sample.batch-size (64), each batch from its own seed
      assertEquals(600, new java.util.HashSet<>(lines.subList(1, lines.size())).size(), sampler + ": repeated samples");
      double[] m = new double[2];
      for (String l : lines.subList(1, lines.size())) {
        String[] f = l.split(",");
        m[0] += Double.parseDouble(f[0]) / 600;
        m[1] += Double.parseDouble(f[1]) / 600;
      }
      double[] var = new double[2];
      for (String l : lines.subList(1, lines.size())) {
        String[] f = l.split(",");
        for (int j = 0; j < 2; j++) {
          var[j] += Math.pow(Double.parseDouble(f[j]) - m[j], 2) / 599;
        }
      }
      for (int j = 0; j < 2; j++) {
        // 600 samples: the mean's standard error is sd / sqrt(600); allow 5 of them
        assertEquals(trueMean[j], m[j], 5 * sd[j] / Math.sqrt(600), sampler + " dimension " + j);
        // the variance's standard error is about sd^2 sqrt(2 / 600) (Gaussian); allow 6 of them
        assertEquals(sd[j] * sd[j], var[j], 6 * sd[j] * sd[j] * Math.sqrt(2.0 / 600), sampler + " variance " + j);
      }
      JsonNode meta = new ObjectMapper().readTree(Files.readString(out.resolve("sample.json")));
      assertEquals(sampler, meta.get("sampler").asText());
      assertTrue(meta.get("nfe").asLong() > 0);
    }
    assertFalse(mean.length == 0);
  }

  @Test
  void trajectoryRecordsTheFirstRowsAtEveryGridTimeAndEndsAtTheSamples() throws Exception {
    Path out = dir.resolve("samples-trajectory");
    assertEquals(0, Main.execute("sample", "--master", "local[2]", "--model", "gmm:" + dir.resolve("gmm.json"),
        "--sde", "vp", "--sampler", "ddim", "--steps", "20", "--n", "16", "--trajectory", "--out", out.toString()));
    List<String> samples = Files.readAllLines(out.resolve("samples.csv"));
    List<String> rows = Files.readAllLines(out.resolve("trajectory.csv"));
    assertEquals("step,t,sample,kind,x0,x1", rows.get(0));
    // 21 grid times, 8 recorded rows, the state and its denoised estimate
    assertEquals(1 + 21 * 8 * 2, rows.size());
    double t0 = Double.parseDouble(rows.get(1).split(",")[1]);
    assertEquals(new VpSde().horizon(), t0, 1e-12);
    // sample.denoise-final (the default) returns x0_hat at eps: the last recorded estimates are the first samples
    List<String> last = rows.subList(rows.size() - 8, rows.size());
    for (int i = 0; i < 8; i++) {
      String[] f = last.get(i).split(",");
      assertEquals("20", f[0]);
      assertEquals(String.valueOf(i), f[2]);
      assertEquals("x0_hat", f[3]);
      String[] sample = samples.get(1 + i).split(",");
      for (int j = 0; j < 2; j++) {
        assertEquals(Double.parseDouble(sample[j]), Double.parseDouble(f[4 + j]), 1e-5, "row " + i + " x" + j);
      }
    }
  }

  @Test
  void badInputGetsOneErrorLineAndNoOutput() throws Exception {
    String gmm = "gmm:" + dir.resolve("gmm.json");
    String data = dir.resolve("shards").toString();
    assertBad("missing --sde", "evaluate", "--model", gmm, "--data", data, "--out", dir.resolve("bad1").toString());
    assertBad("unknown sampler", "sample", "--model", gmm, "--sde", "vp", "--sampler", "nope", "--out", dir.resolve("bad2").toString());
    assertBad("steps < 1", "sample", "--model", gmm, "--sde", "vp", "--steps", "0", "--out", dir.resolve("bad3").toString());
    assertBad("unknown schedule", "sample", "--model", gmm, "--sde", "vp", "--schedule", "nope", "--out", dir.resolve("bad4").toString());
    Files.writeString(dir.resolve("notamodel.zip"), "hello");
    assertBad("not a model", "evaluate", "--model", dir.resolve("notamodel.zip").toString(), "--data", data,
        "--out", dir.resolve("bad5").toString());
    GaussianMixture tenD = GaussianMixture.random(2, 10, new Random(3));
    Files.writeString(dir.resolve("gmm10.json"), tenD.toJson());
    assertBad("shape mismatch", "evaluate", "--model", "gmm:" + dir.resolve("gmm10.json"), "--sde", "vp", "--data", data,
        "--out", dir.resolve("bad6").toString());
    for (int i = 1; i <= 6; i++) {
      assertFalse(Files.exists(dir.resolve("bad" + i)), "bad" + i + " was written");
    }
  }

  private static void assertBad(String what, String... args) {
    String[] full = Arrays.copyOf(args, args.length + 2);
    full[args.length] = "--master";
    full[args.length + 1] = "local[2]";
    CliRun.assertOneError(what, full);
  }

}
