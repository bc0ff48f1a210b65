package org.scoresde.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scoresde.cli.Main;
import org.scoresde.testing.ClusterWithHdfs;
import org.scoresde.testing.ToyMixture;

/**
 * The pipeline on a real standalone Spark cluster (a master and two workers, each executor its own
 * JVM) with HDFS as the storage: shard to hdfs://, train with dl4j-spark's Export approach (whose
 * export directory must be on the shared filesystem), evaluate and sample the trained model.
 */
class ClusterPipelineTest {

  @Test
  void shardTrainEvaluateSampleOnTwoWorkersWithHdfs(@TempDir Path dir) throws Exception {
    ToyMixture toy = ToyMixture.draw(2, 2, 4, 512, 1L);
    try (ClusterWithHdfs c = ClusterWithHdfs.start(dir)) {
      String h = c.hdfs();
      String master = c.master();
      toy.shard(dir, "toy", master, h + "/data/toy", 2);
      assertEquals(0, c.train("/data/toy", "/runs/toy", "--epochs", "2",
          "--set", "train.batch-size=32", "--set", "train.averaging-frequency=2", "--set", "train.workers=2"));
      assertEquals(0, Main.execute("evaluate", "--master", master, "--model", h + "/runs/toy/model.zip",
          "--data", h + "/data/toy", "--out", h + "/runs/toy/eval", "--limit", "2", "--batch-size", "2",
          "--rtol", "1e-2", "--atol", "1e-2"));
      assertEquals(0, Main.execute("sample", "--master", master, "--model", h + "/runs/toy/model.zip",
          "--sampler", "dpm-solver", "--steps", "5", "--n", "8", "--out", h + "/runs/toy/samples"));
      JsonNode nll = new ObjectMapper().readTree(c.read("/runs/toy/eval/nll.json"));
      assertEquals(2, nll.get("n").asLong());
      assertTrue(Double.isFinite(nll.get("nats_per_dim").asDouble()));
      long rounds = c.read("/runs/toy/metrics.jsonl").lines().count();
      assertEquals(2 * 4, rounds);
      assertTrue(c.fileSystem().exists(new org.apache.hadoop.fs.Path("/runs/toy/_SUCCESS")));
      assertEquals(9, c.read("/runs/toy/samples/samples.csv").lines().count());
    }
  }
}
