package org.scoresde.fp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Random;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Sgd;
import org.scoresde.nd4j.JavaArrays;
import org.scoresde.sde.Sde;
import org.scoresde.sde.Sdes;

class FokkerPlanckLossTest {
  private static final int D = 3;

  private static FokkerPlanckLoss loss(Sde sde, double alpha, double scalarWeight) {
    return new FokkerPlanckLoss(sde, alpha, scalarWeight, TimeDifference.reference(), 0.05, 0.05,
        ProbeDistribution.RADEMACHER, ProbeDistribution.RADEMACHER, 2, true);
  }

  private static ComputationGraphConfiguration configuration(FokkerPlanckLoss loss) {
    return new NeuralNetConfiguration.Builder()
        .seed(7)
        .dataType(DataType.DOUBLE)
        .updater(new Sgd(0.1))
        .weightInit(WeightInit.XAVIER)
        .graphBuilder()
        .addInputs("x")
        .setInputTypes(InputType.feedForward(D))
        .addLayer("dense", new DenseLayer.Builder().nIn(D).nOut(D).activation(Activation.TANH).build(), "x")
        .addLayer("loss", new LossLayer.Builder(loss).activation(Activation.IDENTITY).build(), "dense")
        .setOutputs("loss")
        .build();
  }

  /** A batch of the loss's own stencil around points of a diffused mixture, with DSM noise and weights. */
  private static FokkerPlanckStencil.Batch batch(FokkerPlanckLoss loss, Sde sde, int n, Random rng) {
    FokkerPlanckChecks.Problem p = FpFixtures.problem(sde, D, n, 0.05, 1.0, rng);
    double[] eps = new double[n * D];
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      w[i] = 0.5 + rng.nextDouble();
      for (int j = 0; j < D; j++) {
        eps[i * D + j] = rng.nextGaussian();
      }
    }
    return loss.stencil().build(p.x(), p.t(), JavaArrays.matrix(eps, n, D, DataType.DOUBLE), JavaArrays.vector(w, DataType.DOUBLE),
        rng.nextLong());
  }

  private static ComputationGraph graphWith(FokkerPlanckLoss loss, FokkerPlanckStencil.Batch b) {
    ComputationGraph g = new ComputationGraph(configuration(loss));
    g.init();
    g.setInputs(b.inputs());
    g.setLabels(b.labels());
    g.setLayerMaskArrays(null, new INDArray[] {b.labelMask()});
    return g;
  }

  /** mean_i w_i |eps_i - o_i0|^2 + the penalty's value, computed without the loss class. */
  private static double objective(FokkerPlanckLoss loss, FokkerPlanckStencil.Batch b, INDArray outputs) {
    StencilGroups g = b.groups();
    double[] o = FpFixtures.values(outputs);
    double dsm = 0;
    for (int i = 0; i < g.n(); i++) {
      int row = i * g.groupSize();
      for (int j = 0; j < D; j++) {
        double r = g.noise()[i * D + j] - o[row * D + j];
        dsm += g.weights()[i] * r * r / g.n();
      }
    }
    Sde sde = loss.stencil().sde();
    return dsm + new FokkerPlanckPenalty(sde, g, loss.getAlpha(), loss.getScalarWeight(), loss.isUnbiased()).value(outputs);
  }

  @Test
  void graphScoreIsTheMeanOverExamplesOfDsmPlusPenalty() {
    Random rng = new Random(31);
    for (String name : new String[] {"vp", "subvp", "ve"}) {
      Sde sde = Sdes.create(name);
      FokkerPlanckLoss loss = loss(sde, 0.15, 0.01);
      FokkerPlanckStencil.Batch b = batch(loss, sde, 4, rng);
      ComputationGraph g = graphWith(loss, b);
      g.computeGradientAndScore();
      INDArray outputs = g.outputSingle(b.inputs());
      double expected = objective(loss, b, outputs);
      // the same double-precision arithmetic in another order: agreement to ~1e-15 relative
      assertEquals(expected, g.score(), 1e-10 * Math.abs(expected), name);
    }
  }

  @Test
  void withAlphaZeroTheObjectiveIsWeightedDsmOnTheExampleRows() {
    Random rng = new Random(32);
    Sde vp = Sdes.create("vp");
    FokkerPlanckLoss loss = loss(vp, 0.0, 0.0);
    FokkerPlanckStencil.Batch b = batch(loss, vp, 5, rng);
    ComputationGraph g = graphWith(loss, b);
    g.computeGradientAndScore();
    double[] o = FpFixtures.values(g.outputSingle(b.inputs()));
    StencilGroups gr = b.groups();
    double dsm = 0;
    for (int i = 0; i < gr.n(); i++) {
      for (int j = 0; j < D; j++) {
        double r = gr.noise()[i * D + j] - o[i * gr.groupSize() * D + j];
        dsm += gr.weights()[i] * r * r / gr.n();
      }
    }
    assertEquals(dsm, g.score(), 1e-12 * dsm);
  }

  @Test
  void parameterGradientsMatchDifferencesOfTheGraphScore() {
    Random rng = new Random(33);
    Sde ve = Sdes.create("ve");
    FokkerPlanckLoss loss = loss(ve, 0.15, 0.01);
    FokkerPlanckStencil.Batch b = batch(loss, ve, 3, rng);
    ComputationGraph g = graphWith(loss, b);
    g.computeGradientAndScore();
    int rows = (int) b.inputs().size(0);
    INDArray params = g.params();
    INDArray raw = g.gradient().gradient().dup();
    double scale = raw.amaxNumber().doubleValue();
    double worst = 0;
    for (int k = 0; k < params.length(); k++) {
      double keep = params.getDouble(k);
      double h = 1e-6 * (1 + Math.abs(keep));
      params.putScalar(k, keep + h);
      g.computeGradientAndScore();
      double plus = g.score();
      params.putScalar(k, keep - h);
      g.computeGradientAndScore();
      double minus = g.score();
      params.putScalar(k, keep);
      // DL4J's score is the total over rows / rows, its raw gradient the total's derivative (the updater divides
      // by the rows): so rows * d score / d theta must equal the raw gradient
      worst = Math.max(worst, Math.abs(rows * (plus - minus) / (2 * h) - raw.getDouble(k)));
    }
    // central differences at step 1e-6 of a smooth function in double: error ~1e-10 relative to the gradient scale
    assertTrue(worst < 1e-6 * scale, "max error " + worst + " against gradient scale " + scale);
  }

  @Test
  void scoreArraySumsToTheScore() {
    Random rng = new Random(34);
    Sde vp = Sdes.create("vp");
    FokkerPlanckLoss loss = loss(vp, 0.3, 0.05);
    FokkerPlanckStencil.Batch b = batch(loss, vp, 3, rng);
    INDArray pre = b.inputs().mul(0.7);
    INDArray perRow = loss.computeScoreArray(b.labels(), pre, new ActivationIdentity(), b.labelMask());
    double total = loss.computeScore(b.labels(), pre, new ActivationIdentity(), b.labelMask(), false);
    assertEquals(total, perRow.sumNumber().doubleValue(), 1e-12 * Math.abs(total));
    assertEquals(total / pre.size(0), loss.computeScore(b.labels(), pre, new ActivationIdentity(), b.labelMask(), true),
        1e-12 * Math.abs(total));
    assertEquals(objective(loss, b, pre), total / pre.size(0), 1e-10 * Math.abs(total));
  }

  @Test
  void configurationRoundTripsThroughJsonAndJavaSerialization() throws Exception {
    FokkerPlanckLoss loss = new FokkerPlanckLoss(Sdes.create("ve", java.util.Map.of("sigma_max", 30.0)), 0.2, 0.001,
        new TimeDifference(2e-3, 1e-3, 0.1), 0.04, 0.03, ProbeDistribution.GAUSSIAN, ProbeDistribution.RADEMACHER, 3, false)
        .withMinTime(0.02);
    ComputationGraphConfiguration conf = configuration(loss);
    ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
    assertEquals(conf, back);
    LossLayer layer = (LossLayer) back.getVertices().values().stream()
        .filter(v -> v instanceof org.deeplearning4j.nn.conf.graph.LayerVertex lv && lv.getLayerConf().getLayer() instanceof LossLayer)
        .map(v -> ((org.deeplearning4j.nn.conf.graph.LayerVertex) v).getLayerConf().getLayer()).findFirst().orElseThrow();
    FokkerPlanckLoss restored = (FokkerPlanckLoss) layer.getLossFn();
    assertEquals(loss, restored);
    assertEquals(30.0, restored.stencil().sde().parameters().get("sigma_max"), 0.0);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(loss);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      FokkerPlanckLoss copy = (FokkerPlanckLoss) in.readObject();
      assertEquals(loss, copy);
      assertEquals(loss.hashCode(), copy.hashCode());
      assertEquals(loss.stencil().groupSizeAt(D), copy.stencil().groupSizeAt(D));
    }
    assertNotEquals(loss, FokkerPlanckLoss.of(Sdes.create("ve"), 0.2));
    assertEquals(0.02, restored.getMinTime());
    assertNotEquals(loss, loss.withMinTime(0));
  }

  @Test
  void rejectsBatchesThatSplitAGroupAndUnbiasedWithOneProbe() {
    Random rng = new Random(35);
    Sde vp = Sdes.create("vp");
    FokkerPlanckLoss loss = loss(vp, 0.15, 0);
    FokkerPlanckStencil.Batch b = batch(loss, vp, 2, rng);
    INDArray labels = b.labels().getRows(0, 1, 2, 3, 4);
    INDArray mask = b.labelMask().getRows(0, 1, 2, 3, 4);
    assertThrows(IllegalArgumentException.class,
        () -> loss.computeScore(labels, labels, new ActivationIdentity(), mask, true));
    assertThrows(IllegalArgumentException.class, () -> new FokkerPlanckLoss(vp, 0.15, 0, TimeDifference.reference(), 0.05,
        0.05, ProbeDistribution.RADEMACHER, ProbeDistribution.RADEMACHER, 1, true));
  }
}
