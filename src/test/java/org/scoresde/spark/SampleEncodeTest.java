package org.scoresde.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;
import org.scoresde.cli.Main;
import org.scoresde.sampling.ProbabilityFlowEncoding;
import org.scoresde.sampling.Schedules;
import org.scoresde.score.GaussianMixture;
import org.scoresde.score.GaussianMixtureScore;
import org.scoresde.sde.VpSde;
import org.scoresde.testing.CliRun;
import org.scoresde.testing.StopsSpark;
import org.scoresde.testing.ToyMixture;

/**
 * sample --encode with an exact mixture score in D = 2: latents keyed by example index decode back
 * to the data, the slerp path between two encodings starts and ends at those examples, and bad
 * option combinations and inputs stop with one error line and no output.
 */
@ExtendWith(StopsSpark.class)
class SampleEncodeTest {
  @TempDir static Path dir;
  static GaussianMixture mixture;
  static double[][] points;
  static String gmm;
  static String data;

  @BeforeAll
  static void shardMixtureData() throws Exception {
    ToyMixture toy = ToyMixture.draw(3, 2, 21, 60, 4L);
    mixture = toy.mixture();
    points = toy.points().toDoubleMatrix();
    gmm = toy.writeModel(dir.resolve("gmm.json"));
    data = toy.shard(dir, "points", "local[2]", dir.resolve("shards").toString(), 3);
  }

  @Test
  void encodingDecodesBackToTheDataAndInterpolatesBetweenExamples() throws Exception {
    Path out = dir.resolve("enc");
    assertEquals(0, Main.execute("sample", "--master", "local[2]", "--model", gmm, "--sde", "vp", "--encode", data,
        "--limit", "40", "--interpolate", "3,17", "--frames", "5", "--out", out.toString()));
    assertTrue(Files.exists(out.resolve("_SUCCESS")));
    JsonNode json = new ObjectMapper().readTree(Files.readString(out.resolve("encode.json")));
    assertEquals(40, json.get("examples").asInt());
    assertEquals(400, json.get("nfe_per_pass").asInt());
    assertTrue(json.get("reconstruction_rmse").asDouble() < 1e-4, json.toString());
    assertTrue(json.get("reconstruction_max_abs").asDouble() < 1e-3, json.toString());

    // latents, keyed by index, decode (here, independently of the job) to the CSV rows of those indices
    List<String> lines = Files.readAllLines(out.resolve("latents.csv"));
    assertEquals("index,label,z0,z1", lines.get(0));
    assertEquals(41, lines.size());
    double[][] z = new double[40][2];
    for (int i = 0; i < 40; i++) {
      String[] f = lines.get(i + 1).split(",");
      assertEquals(i, Integer.parseInt(f[0]));
      z[i][0] = Double.parseDouble(f[2]);
      z[i][1] = Double.parseDouble(f[3]);
    }
    var flow = new ProbabilityFlowEncoding(new GaussianMixtureScore(mixture, new VpSde()),
        Schedules.byName("logsnr").grid(new VpSde(), 100, 1e-3));
    double[][] x = flow.decode(Nd4j.create(z)).toDoubleMatrix();
    for (int i = 0; i < 40; i++) {
      // latents are written as floats: their rounding (~1e-7 relative) passes through the flow
      assertEquals(points[i][0], x[i][0], 1e-4, "example " + i);
      assertEquals(points[i][1], x[i][1], 1e-4, "example " + i);
    }
    // encodings of data look like the N(0, I) prior, not like the data
    assertTrue(json.get("latent_rms_mean").asDouble() > 0.5 && json.get("latent_rms_mean").asDouble() < 1.5, json.toString());

    List<String> path = Files.readAllLines(out.resolve("interpolation.csv"));
    assertEquals(6, path.size());
    String[] first = path.get(1).split(",");
    String[] last = path.get(5).split(",");
    assertEquals(points[3][0], Double.parseDouble(first[2]), 1e-4);
    assertEquals(points[3][1], Double.parseDouble(first[3]), 1e-4);
    assertEquals(points[17][0], Double.parseDouble(last[2]), 1e-4);
    assertEquals(points[17][1], Double.parseDouble(last[3]), 1e-4);
    assertEquals(1.0, Double.parseDouble(last[1]));
    assertTrue(json.get("interpolation").get("endpoint_rmse").asDouble() < 1e-4);
  }

  @Test
  void badInputGetsOneErrorLineAndNoOutput() throws Exception {
    Path notAModel = dir.resolve("notamodel.zip");
    Files.writeString(notAModel, "hello");
    // a real zip, but a classifier rather than a score model; and the same zip cut short
    byte[] classifier = Files.readAllBytes(Path.of("models/fashion-mnist-classifier.zip"));
    Path otherZip = dir.resolve("classifier.zip");
    Files.write(otherZip, classifier);
    Path truncated = dir.resolve("truncated.zip");
    Files.write(truncated, java.util.Arrays.copyOf(classifier, classifier.length / 2));
    GaussianMixture tenD = GaussianMixture.random(2, 10, new Random(3));
    Files.writeString(dir.resolve("gmm10.json"), tenD.toJson());
    String gmm10 = "gmm:" + dir.resolve("gmm10.json");
    List<String[]> cases = List.of(
        new String[] {"missing --sde (sample)", "--model", gmm},
        new String[] {"missing --sde (encode)", "--model", gmm, "--encode", data},
        new String[] {"not a model", "--model", notAModel.toString()},
        new String[] {"a zip that is not a score model", "--model", otherZip.toString()},
        new String[] {"a truncated zip", "--model", truncated.toString()},
        new String[] {"a model file that does not exist", "--model", dir.resolve("nothing.zip").toString()},
        new String[] {"shape mismatch (encode)", "--model", gmm10, "--sde", "vp", "--encode", data},
        new String[] {"reference for a vector model", "--model", gmm, "--sde", "vp", "--reference", data},
        new String[] {"unknown schedule (encode)", "--model", gmm, "--sde", "vp", "--encode", data, "--schedule", "nope"},
        new String[] {"gits (encode)", "--model", gmm, "--sde", "vp", "--encode", data, "--schedule", "gits"},
        new String[] {"steps < 1 (encode)", "--model", gmm, "--sde", "vp", "--encode", data, "--steps", "0"},
        new String[] {"limit < 1", "--model", gmm, "--sde", "vp", "--encode", data, "--limit", "0"},
        new String[] {"n < 1", "--model", gmm, "--sde", "vp", "--n", "0"},
        new String[] {"interpolate without encode", "--model", gmm, "--sde", "vp", "--interpolate", "1,2"},
        new String[] {"frames without interpolate", "--model", gmm, "--sde", "vp", "--encode", data, "--frames", "4"},
        new String[] {"sampler with encode", "--model", gmm, "--sde", "vp", "--encode", data, "--sampler", "heun"},
        new String[] {"bad interpolate", "--model", gmm, "--sde", "vp", "--encode", data, "--interpolate", "3"},
        new String[] {"interpolate out of range", "--model", gmm, "--sde", "vp", "--encode", data, "--interpolate", "3,600"},
        new String[] {"frames < 2", "--model", gmm, "--sde", "vp", "--encode", data, "--interpolate", "3,4", "--frames", "1"},
        new String[] {"encode data missing", "--model", gmm, "--sde", "vp", "--encode", dir.resolve("none").toString()});
    int k = 0;
    for (String[] c : cases) {
      Path out = dir.resolve("bad" + k++);
      String[] args = new String[c.length + 5];
      args[0] = "sample";
      System.arraycopy(c, 1, args, 1, c.length - 1);
      args[c.length] = "--out";
      args[c.length + 1] = out.toString();
      args[c.length + 2] = "--master";
      args[c.length + 3] = "local[2]";
      args[c.length + 4] = "--overwrite";
      assertBad(c[0], args);
      assertFalse(Files.exists(out), c[0] + ": " + out + " was written");
    }
  }

  static void assertBad(String what, String... args) {
    System.err.println(what + " -> " + CliRun.assertOneError(what, args));
  }

}
