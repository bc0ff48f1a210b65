package org.scoresde.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.apache.hadoop.fs.FileSystem;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.scoresde.cli.Main;
import org.scoresde.fp.FokkerPlanckLoss;
import org.scoresde.model.HadoopModelFiles;
import org.scoresde.nn.ScoreNetworkBuilder;
import org.scoresde.score.GaussianMixture;
import org.scoresde.testing.MiniHdfs;
import org.scoresde.testing.StandaloneCluster;

/**
 * The FP-Diffusion regularizer on a real standalone cluster (a master and two worker JVMs) with HDFS:
 * train with train.fp.alpha = 0.15 through dl4j-spark's Export approach, whose exported minibatches
 * must keep whole stencil groups, and read the model and its per-round penalty back from HDFS.
 */
class FokkerPlanckClusterTest {

  @Test
  void regularizerTrainsOnTwoWorkersWithHdfs(@TempDir Path dir) throws Exception {
    GaussianMixture m = GaussianMixture.random(2, 2, new Random(5));
    INDArray x = m.sample(256, 1L, DataType.DOUBLE);
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
        assertEquals(0, Main.execute("train", "--master", master, "--data", h + "/data/toy", "--out", h + "/runs/fp",
            "--epochs", "1", "--set", "train.approach=export", "--set", "train.export-dir=" + h + "/tmp/export",
            "--set", "train.batch-size=16", "--set", "train.averaging-frequency=2", "--set", "train.workers=2",
            "--set", "train.fp.alpha=0.15", "--set", "train.probe-examples=64", "--set", "train.probe-every=1", "--set", "net.base-channels=32"));
        FileSystem fs = FileSystem.get(java.net.URI.create(h), hdfs.configuration());
        String metrics = read(fs, "/runs/fp/metrics.jsonl");
        assertEquals(4, metrics.lines().count());
        for (String line : metrics.lines().toList()) {
          JsonNode r = new ObjectMapper().readTree(line);
          assertTrue(Double.isFinite(r.get("loss").asDouble()), line);
          assertTrue(Double.isFinite(r.get("fp_penalty").asDouble()), line);
          assertEquals(8, r.get("loss_by_t").size(), line);
        }
        assertTrue(fs.exists(new org.apache.hadoop.fs.Path("/runs/fp/_SUCCESS")));
        var model = HadoopModelFiles.open(HadoopModelFiles.read(fs, new org.apache.hadoop.fs.Path("/runs/fp/model.zip")), "fp");
        LossLayer loss = (LossLayer) ((LayerVertex) model.graph().getConfiguration().getVertices()
            .get(ScoreNetworkBuilder.LOSS)).getLayerConf().getLayer();
        assertEquals(0.15, assertInstanceOf(FokkerPlanckLoss.class, loss.getLossFn()).getAlpha());
      } finally {
        SparkSessions.create("test", cluster.masterUrl()).stop();
        System.clearProperty("spark.jars");
        System.clearProperty("spark.executor.memory");
        System.clearProperty("spark.hadoop.fs.defaultFS");
        System.clearProperty("spark.driver.host");
      }
    }
  }

  private static String read(FileSystem fs, String path) throws Exception {
    try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(path))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
