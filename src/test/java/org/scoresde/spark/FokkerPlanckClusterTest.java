package org.scoresde.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.apache.hadoop.fs.FileSystem;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scoresde.fp.FokkerPlanckLoss;
import org.scoresde.model.HadoopModelFiles;
import org.scoresde.nn.ScoreNetworkBuilder;
import org.scoresde.testing.ClusterWithHdfs;
import org.scoresde.testing.ToyMixture;

/**
 * The FP-Diffusion regularizer on a real standalone cluster (a master and two worker JVMs) with HDFS:
 * train with train.fp.alpha = 0.15 through dl4j-spark's Export approach, whose exported minibatches
 * must keep whole stencil groups, and read the model and its per-round penalty back from HDFS.
 */
class FokkerPlanckClusterTest {

  @Test
  void regularizerTrainsOnTwoWorkersWithHdfs(@TempDir Path dir) throws Exception {
    ToyMixture toy = ToyMixture.draw(2, 2, 5, 256, 1L);
    try (ClusterWithHdfs c = ClusterWithHdfs.start(dir)) {
      String h = c.hdfs();
      String master = c.master();
      toy.shard(dir, "toy", master, h + "/data/toy", 2);
      assertEquals(0, c.train("/data/toy", "/runs/fp", "--epochs", "1", "--set", "train.batch-size=16", "--set", "train.averaging-frequency=2", "--set", "train.workers=2",
          "--set", "train.fp.alpha=0.15", "--set", "train.probe-examples=64", "--set", "train.probe-every=1", "--set", "net.base-channels=32",
          "--set", "net.preconditioning=none"));
      FileSystem fs = c.fileSystem();
      String metrics = c.read("/runs/fp/metrics.jsonl");
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
    }
  }
}
