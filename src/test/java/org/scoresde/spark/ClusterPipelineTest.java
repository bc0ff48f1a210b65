package org.scoresde.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.scoresde.cli.Main;
import org.scoresde.score.GaussianMixture;
import org.scoresde.testing.MiniHdfs;
import org.scoresde.testing.StandaloneCluster;

/**
 * The pipeline on a real standalone Spark cluster (a master and two workers, each executor its own
 * JVM) with HDFS as the storage: shard to hdfs://, train with dl4j-spark's Export approach (whose
 * export directory must be on the shared filesystem), evaluate and sample the trained model.
 */
class ClusterPipelineTest {

  @Test
  void shardTrainEvaluateSampleOnTwoWorkersWithHdfs(@TempDir Path dir) throws Exception {
    GaussianMixture m = GaussianMixture.random(2, 2, new Random(4));
    INDArray x = m.sample(512, 1L, DataType.DOUBLE);
    StringBuilder csv = new StringBuilder();
    for (double[] row : x.toDoubleMatrix()) {
      csv.append(row[0]).append(',').append(row[1]).append('\n');
    }
    Files.writeString(dir.resolve("toy.csv"), csv.toString());
    SparkSessions.create("test", "local[1]").stop();
    try (MiniHdfs hdfs = MiniHdfs.start(dir.resolve("hdfs"));
         StandaloneCluster cluster = StandaloneCluster.start(dir.resolve("cluster"), 2, 1, "1536m")) {
      String h = hdfs.uri();
      System.setProperty("spark.jars", cluster.applicationJar().toString());
      System.setProperty("spark.executor.memory", "1g");
      System.setProperty("spark.hadoop.fs.defaultFS", h);
      System.setProperty("spark.driver.host", "127.0.0.1");
      try {
        String master = cluster.masterUrl();
        assertEquals(0, Main.execute("shard", "--master", master, "--format", "csv", "--input",
            "file://" + dir.resolve("toy.csv"), "--output", h + "/data/toy", "--shards", "2"));
        assertEquals(0, Main.execute("train", "--master", master, "--data", h + "/data/toy", "--out", h + "/runs/toy",
            "--epochs", "2", "--set", "train.approach=export", "--set", "train.export-dir=" + h + "/tmp/export",
            "--set", "train.batch-size=32", "--set", "train.averaging-frequency=2", "--set", "train.workers=2"));
        assertEquals(0, Main.execute("evaluate", "--master", master, "--model", h + "/runs/toy/model.zip",
            "--data", h + "/data/toy", "--out", h + "/runs/toy/eval", "--limit", "2", "--batch-size", "2",
            "--rtol", "1e-2", "--atol", "1e-2"));
        assertEquals(0, Main.execute("sample", "--master", master, "--model", h + "/runs/toy/model.zip",
            "--sampler", "dpm-solver", "--steps", "5", "--n", "8", "--out", h + "/runs/toy/samples"));
        FileSystem fs = FileSystem.get(java.net.URI.create(h), hdfs.configuration());
        JsonNode nll = read(fs, "/runs/toy/eval/nll.json");
        assertEquals(2, nll.get("n").asLong());
        assertTrue(Double.isFinite(nll.get("nats_per_dim").asDouble()));
        long rounds = read(fs, "/runs/toy/metrics.jsonl", true).lines().count();
        assertEquals(2 * 4, rounds);
        assertTrue(fs.exists(new org.apache.hadoop.fs.Path("/runs/toy/_SUCCESS")));
        assertEquals(9, read(fs, "/runs/toy/samples/samples.csv", true).lines().count());
      } finally {
        SparkSessions.create("test", cluster.masterUrl()).stop();
        System.clearProperty("spark.jars");
        System.clearProperty("spark.executor.memory");
        System.clearProperty("spark.hadoop.fs.defaultFS");
        System.clearProperty("spark.driver.host");
      }
    }
  }

  private static JsonNode read(FileSystem fs, String path) throws Exception {
    return new ObjectMapper().readTree(read(fs, path, true));
  }

  private static String read(FileSystem fs, String path, boolean text) throws Exception {
    try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(path))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
