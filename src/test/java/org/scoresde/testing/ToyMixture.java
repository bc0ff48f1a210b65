package org.scoresde.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Collectors;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.scoresde.cli.Main;
import org.scoresde.score.GaussianMixture;

/**
 * Toy data for job tests: points drawn from a random Gaussian mixture, written as CSV (one point a
 * line) and sharded with the {@code shard} command, the mixture itself as JSON for {@code gmm:} models.
 */
public record ToyMixture(GaussianMixture mixture, INDArray points) {

  /** {@code n} points (seeded by {@code sampleSeed}) of a random mixture of {@code components} in {@code dimension} dimensions. */
  public static ToyMixture draw(int components, int dimension, long mixtureSeed, int n, long sampleSeed) {
    GaussianMixture m = GaussianMixture.random(components, dimension, new Random(mixtureSeed));
    return new ToyMixture(m, m.sample(n, sampleSeed, DataType.DOUBLE));
  }

  /** Writes the points to {@code file} as CSV and returns the file. */
  public Path writeCsv(Path file) throws IOException {
    StringBuilder csv = new StringBuilder();
    for (double[] row : points.toDoubleMatrix()) {
      csv.append(Arrays.stream(row).mapToObj(Double::toString).collect(Collectors.joining(","))).append('\n');
    }
    return Files.writeString(file, csv.toString());
  }

  /** Writes the mixture to {@code file} as JSON and returns the model spec {@code gmm:FILE}. */
  public String writeModel(Path file) throws IOException {
    Files.writeString(file, mixture.toJson());
    return "gmm:" + file;
  }

  /** Writes the points as CSV to {@code dir/name.csv} and shards them into {@code output}, which it returns. */
  public String shard(Path dir, String name, String master, String output, int shards) throws IOException {
    Path csv = writeCsv(dir.resolve(name + ".csv"));
    assertEquals(0, Main.execute("shard", "--master", master, "--format", "csv", "--input", csv.toUri().toString(),
        "--output", output, "--shards", String.valueOf(shards)));
    return output;
  }
}
