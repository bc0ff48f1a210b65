package org.scoresde.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.scoresde.testing.TinyNetworks;
import org.scoresde.data.DataTransform;
import org.scoresde.fp.HeldOutResidual;
import org.scoresde.model.ModelFile;
import org.scoresde.model.ModelMetadata;
import org.scoresde.nn.ScoreNetworkConfig;
import org.scoresde.sde.VpSde;
import org.scoresde.testing.CliRun;

/** fp-residual prints the held-out residual that fp.HeldOutResidual computes, and refuses a bad CSV with one error line. */
class FpResidualCommandTest {
  @TempDir Path dir;

  @Test
  void printsTheHeldOutResidualOfTheModelOnTheRows() throws Exception {
    ScoreNetworkConfig config = TinyNetworks.tinyMlp();
    Path model = dir.resolve("model.zip");
    ModelFile.save(model, TinyNetworks.randomGraph(config, 5L),
        ModelMetadata.of(new VpSde(), DataTransform.identity(), config, "", "ab".repeat(32)), false);
    INDArray rows = TinyNetworks.gaussian(new Random(3), 12, config.dimension());
    StringBuilder csv = new StringBuilder();
    for (int i = 0; i < rows.rows(); i++) {
      for (int j = 0; j < rows.columns(); j++) {
        csv.append(j == 0 ? "" : ",").append(rows.getDouble(i, j));
      }
      csv.append('\n');
    }
    Path data = Files.writeString(dir.resolve("heldout.csv"), csv);

    Object[] r = CliRun.run("fp-residual", "--model", model.toString(), "--data", data.toString(), "--probe-step", "0.05");
    assertEquals(0, r[0], (String) r[2]);
    JsonNode json = new ObjectMapper().readTree(((String) r[1]).strip().lines().reduce((a, b) -> b).orElseThrow());
    HeldOutResidual.Result expected = HeldOutResidual.of(HeldOutResidual.doublePrecision(ModelFile.load(model)), rows,
        0.01, 0.05, 2023L);
    assertEquals(12, json.get("n").asInt());
    assertEquals(expected.meanPenalty(), json.get("mean_penalty").asDouble(), 1e-5 * expected.meanPenalty());
    assertEquals(4, json.get("rms_terms").size());

    Files.writeString(data, "0.1,0.2,0.3\n0.4,x,0.6\n");
    Object[] bad = CliRun.run("fp-residual", "--model", model.toString(), "--data", data.toString());
    assertEquals(2, bad[0]);
    String err = (String) bad[2];
    assertEquals(1, err.lines().filter(l -> l.startsWith("error: ")).count(), err);
    assertTrue(err.contains("line 2: not a number"), err);
  }
}
