package org.scoresde.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.scoresde.nd4j.Workspaces;
import org.scoresde.nn.InputGradientGraph;
import org.scoresde.nn.Normalization;
import org.scoresde.nn.Preconditioning;
import org.scoresde.nn.ScoreNetworkBuilder;
import org.scoresde.nn.ScoreNetworkConfig;
import org.scoresde.nn.SingleThreadNd4j;
import org.scoresde.nn.TimeEmbedding;
import org.scoresde.nn.TimeEmbeddingKind;
import org.scoresde.testing.TinyNetworks;
import org.scoresde.score.ScoreModel;
import org.scoresde.sde.Sde;
import org.scoresde.sde.SubVpSde;
import org.scoresde.sde.VeSde;
import org.scoresde.sde.VpSde;

/** The network behind the ScoreModel seam, in double precision, against finite differences. */
@ExtendWith(SingleThreadNd4j.class)
public class NetworkScoreModelTest {


  /** Central differences of v^T s(x, t) in every coordinate, all perturbations in one batch. */
  static INDArray finiteDifferenceVjp(ScoreModel model, INDArray x, INDArray t, INDArray v, double h) {
    int n = (int) x.size(0);
    int d = (int) x.size(1);
    INDArray xs = Nd4j.create(DataType.DOUBLE, 2L * n * d, d);
    INDArray ts = Nd4j.create(DataType.DOUBLE, 2L * n * d);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        for (int s = 0; s < 2; s++) {
          int row = (i * d + j) * 2 + s;
          xs.putRow(row, x.getRow(i));
          xs.putScalar(row, j, x.getDouble(i, j) + (s == 0 ? h : -h));
          ts.putScalar(row, t.getDouble(i));
        }
      }
    }
    INDArray scores = model.score(xs, ts);
    INDArray fd = Nd4j.create(DataType.DOUBLE, n, d);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        int row = (i * d + j) * 2;
        double plus = scores.getRow(row).mul(v.getRow(i)).sumNumber().doubleValue();
        double minus = scores.getRow(row + 1).mul(v.getRow(i)).sumNumber().doubleValue();
        fd.putScalar(i, j, (plus - minus) / (2 * h));
      }
    }
    return fd;
  }

  private static void checkVjp(ScoreNetworkConfig config, Sde sde, long seed) {
    Random rng = new Random(seed);
    NetworkScoreModel model = new NetworkScoreModel(TinyNetworks.randomGraph(config, seed), config, sde);
    int d = config.dimension();
    INDArray x = TinyNetworks.gaussian(rng, 3, d);
    INDArray t = TinyNetworks.times(0.05, 0.4, 0.9);
    INDArray v = TinyNetworks.gaussian(rng, 3, d);
    INDArray vjp = model.vjp(x, t, v);
    // h = 1e-5 in double: truncation O(h^2) ~ 1e-10 and rounding ~ 1e-16 / h ~ 1e-11, far below 1e-4.
    INDArray fd = finiteDifferenceVjp(model, x, t, v, 1e-5);
    double err = TinyNetworks.relativeError(vjp, fd);
    System.out.printf("VJP vs central differences (%s, %s, D=%d): max relative error %.3e%n",
        config.vector() ? "MLP" : "U-Net", sde.name(), d, err);
    assertTrue(err < 1e-4, "VJP relative error " + err);
    ScoreModel.ScoreAndVjp both = model.scoreAndVjp(x, t, v);
    assertEquals(0.0, TinyNetworks.relativeError(both.vjp(), vjp), 1e-12, "scoreAndVjp's VJP equals vjp");
    assertEquals(0.0, TinyNetworks.relativeError(both.score(), model.score(x, t)), 1e-12, "scoreAndVjp's score equals score");
  }

  @Test
  void unetVjpMatchesCentralDifferences() {
    checkVjp(TinyNetworks.tinyUnet(), new VeSde(0.01, 5.0), 1L);
  }

  @Test
  void mlpVjpMatchesCentralDifferences() {
    checkVjp(TinyNetworks.tinyMlp(), new VpSde(), 2L);
  }

  @Test
  void skipPreconditionedVjpMatchesCentralDifferences() {
    Preconditioning skip = Preconditioning.of("skip");
    checkVjp(TinyNetworks.tinyUnet().withPreconditioning(skip), new SubVpSde(), 31L);
    checkVjp(TinyNetworks.tinyMlp().withPreconditioning(new Preconditioning("skip", 1.5)), new VpSde(), 32L);
  }

  @Test
  void skipScoreIsTheInputsShareAndTheScaledNetworkOutput() {
    for (ScoreNetworkConfig config : List.of(TinyNetworks.tinyUnet(), TinyNetworks.tinyMlp())) {
      Sde sde = new VpSde();
      Preconditioning skip = Preconditioning.of("skip");
      ComputationGraph graph = TinyNetworks.randomGraph(config, 33L);
      NetworkScoreModel plain = new NetworkScoreModel(graph, config, sde);
      NetworkScoreModel preconditioned = new NetworkScoreModel(graph, config.withPreconditioning(skip), sde);
      Random rng = new Random(34L);
      int d = config.dimension();
      INDArray x = TinyNetworks.gaussian(rng, 4, d);
      INDArray t = TinyNetworks.times(1e-3, 0.2, 0.6, 1.0);
      INDArray f = plain.predictNoise(x, t);
      INDArray expected = Nd4j.create(DataType.DOUBLE, 4, d);
      for (int i = 0; i < 4; i++) {
        double ti = t.getDouble(i);
        expected.putRow(i, x.getRow(i).mul(skip.skip(sde, ti)).addi(f.getRow(i).mul(skip.out(sde, ti))));
      }
      assertEquals(0.0, TinyNetworks.relativeError(preconditioned.predictNoise(x, t), expected), 1e-12);
      INDArray score = expected.dup();
      for (int i = 0; i < 4; i++) {
        score.getRow(i).muli(-1.0 / sde.std(t.getDouble(i)));
      }
      assertEquals(0.0, TinyNetworks.relativeError(preconditioned.score(x, t), score), 1e-12);
      // at t = 1 the input carries the noise: c_skip x_t is most of it and the network's part is small
      assertTrue(skip.out(sde, 1.0) < 0.01 && Math.abs(skip.skip(sde, 1.0) * sde.std(1.0) - 1) < 1e-3);
    }
  }

  @Test
  void vjpResultsOutliveTheWorkspacesOfLaterCalls() {
    for (ScoreNetworkConfig config : List.of(TinyNetworks.tinyUnet(), TinyNetworks.tinyMlp())) {
      Random rng = new Random(21L);
      NetworkScoreModel model = new NetworkScoreModel(TinyNetworks.randomGraph(config, 21L), config, new VpSde());
      int d = config.dimension();
      INDArray x1 = TinyNetworks.gaussian(rng, 3, d);
      INDArray x2 = TinyNetworks.gaussian(rng, 3, d);
      INDArray v = TinyNetworks.gaussian(rng, 3, d);
      INDArray t = TinyNetworks.times(0.2, 0.5, 0.8);
      ScoreModel.ScoreAndVjp first = model.scoreAndVjp(x1, t, v);
      INDArray score1 = first.score().dup();
      INDArray vjp1 = first.vjp().dup();
      ScoreModel.ScoreAndVjp second = model.scoreAndVjp(x2, t, v);
      // The second call reuses the workspaces of the first: detached results must be untouched,
      // and a different input must give a different answer (or the check above proves nothing).
      assertEquals(score1, first.score());
      assertEquals(vjp1, first.vjp());
      assertTrue(TinyNetworks.relativeError(second.vjp(), vjp1) > 1e-3);
      assertEquals(vjp1, model.scoreAndVjp(x1, t, v).vjp(), "the same input gives the same VJP again");
    }
  }

  @Test
  void callsInsideAWorkspaceReturnArraysOfThatWorkspace() {
    ScoreNetworkConfig config = TinyNetworks.tinyUnet();
    Random rng = new Random(22L);
    NetworkScoreModel model = new NetworkScoreModel(TinyNetworks.randomGraph(config, 22L), config, new VpSde());
    int d = config.dimension();
    INDArray x = TinyNetworks.gaussian(rng, 3, d);
    INDArray v = TinyNetworks.gaussian(rng, 3, d);
    INDArray t = TinyNetworks.times(0.2, 0.5, 0.8);
    ScoreModel.ScoreAndVjp outside = model.scoreAndVjp(x, t, v);
    INDArray scoreOutside = model.score(x, t);
    try (MemoryWorkspace ws = Workspaces.iteration("NETWORK_SCORE_MODEL_TEST")) {
      ScoreModel.ScoreAndVjp inside = model.scoreAndVjp(x, t, v);
      INDArray scoreInside = model.score(x, t);
      // a solver step's workspace holds what the network returns: nothing is left for the GC
      assertTrue(inside.score().isAttached() && inside.vjp().isAttached() && scoreInside.isAttached());
      assertEquals(outside.score(), inside.score());
      assertEquals(outside.vjp(), inside.vjp());
      assertEquals(scoreOutside, scoreInside);
    }
    assertTrue(!outside.vjp().isAttached() && !scoreOutside.isAttached(), "outside a workspace results are detached");
  }

  @Test
  void scoreIsMinusNetworkOutputOverSigma() {
    for (ScoreNetworkConfig config : List.of(TinyNetworks.tinyUnet(), TinyNetworks.tinyMlp())) {
      Sde sde = new SubVpSde();
      ComputationGraph graph = TinyNetworks.randomGraph(config, 3L);
      NetworkScoreModel model = new NetworkScoreModel(graph, config, sde);
      Random rng = new Random(4L);
      int d = config.dimension();
      INDArray x = TinyNetworks.gaussian(rng, 4, d);
      INDArray t = TinyNetworks.times(0.01, 0.2, 0.5, 1.0);
      INDArray xIn = config.vector() ? x : x.reshape('c', 4, 1, 8, 8);
      // The training graph's output is the loss layer's input, eps_theta flattened to [N, D].
      INDArray eps = graph.outputSingle(false, xIn, TimeEmbedding.of(config).features(t));
      INDArray expected = eps.dup();
      for (int i = 0; i < 4; i++) {
        expected.getRow(i).muli(-1.0 / sde.std(t.getDouble(i)));
      }
      // Same double-precision arithmetic in two graphs: agreement to rounding.
      assertEquals(0.0, TinyNetworks.relativeError(model.score(x, t), expected), 1e-12);
    }
  }

  @Test
  void floatModelAgreesWithDoubleModel() {
    ScoreNetworkConfig config = TinyNetworks.tinyUnet();
    ComputationGraph graph = TinyNetworks.randomGraph(config, 14L);
    Sde sde = new VpSde();
    NetworkScoreModel exact = new NetworkScoreModel(graph, config, sde);
    NetworkScoreModel fast = new NetworkScoreModel(graph, config, sde, DataType.FLOAT);
    assertEquals(DataType.FLOAT, fast.dataType());
    Random rng = new Random(14L);
    INDArray x = TinyNetworks.gaussian(rng, 3, 64);
    INDArray v = TinyNetworks.gaussian(rng, 3, 64);
    INDArray t = TinyNetworks.times(0.1, 0.5, 0.9);
    ScoreModel.ScoreAndVjp a = exact.scoreAndVjp(x, t, v);
    ScoreModel.ScoreAndVjp b = fast.scoreAndVjp(x.castTo(DataType.FLOAT), t.castTo(DataType.FLOAT), v.castTo(DataType.FLOAT));
    assertEquals(DataType.FLOAT, b.score().dataType());
    // float32 keeps ~7 digits; rounding through ~40 layers stays far below 1e-3, while any layout or
    // scaling mistake would be of order 1.
    assertTrue(TinyNetworks.relativeError(b.score().castTo(DataType.DOUBLE), a.score()) < 1e-3);
    assertTrue(TinyNetworks.relativeError(b.vjp().castTo(DataType.DOUBLE), a.vjp()) < 1e-3);
    assertEquals(DataType.DOUBLE, fast.score(x, t).dataType(), "results come back in x's data type");
  }

  @Test
  void evaluationGraphsHoldTheTrainingGraphsParameters() {
    ComputationGraph train = TinyNetworks.randomGraph(TinyNetworks.tinyUnet(), 5L);
    InputGradientGraph eval = new ScoreNetworkBuilder(TinyNetworks.tinyUnet()).gradientGraph(train.paramTable(), DataType.DOUBLE);
    Map<String, INDArray> a = train.paramTable();
    Map<String, INDArray> b = eval.paramTable();
    assertEquals(a.keySet(), b.keySet());
    for (String k : a.keySet()) {
      assertEquals(a.get(k), b.get(k), k);
    }
  }

  @Test
  void timeVectorIsAddedToEveryPixelOfItsChannel() {
    ScoreNetworkConfig config = TinyNetworks.tinyUnet();
    ComputationGraph graph = TinyNetworks.randomGraph(config, 6L);
    Random rng = new Random(6L);
    INDArray x = TinyNetworks.gaussian(rng, 2, 1, 8, 8);
    INDArray temb = TimeEmbedding.of(config).features(TinyNetworks.times(0.3, 0.7));
    // Training mode: in inference the next activation layer normalizes its input in place.
    Map<String, INDArray> acts = graph.feedForward(new INDArray[] {x, temb}, true);
    for (String block : List.of("down0_0", "down1_0", "mid", "up0_0")) {
      INDArray proj = acts.get(block + "_time");
      INDArray conv = acts.get(block + "_conv0");
      INDArray sum = acts.get(block + "_addtime");
      long c = proj.size(1);
      assertEquals(4, sum.rank());
      assertEquals(c, sum.size(1));
      for (int n = 0; n < 2; n++) {
        for (int ch = 0; ch < c; ch++) {
          org.nd4j.linalg.indexing.INDArrayIndex point = org.nd4j.linalg.indexing.NDArrayIndex.point(n);
          org.nd4j.linalg.indexing.INDArrayIndex channel = org.nd4j.linalg.indexing.NDArrayIndex.point(ch);
          INDArray want = conv.get(point, channel).add(proj.getDouble(n, ch));
          // The same one addition per element: exact equality.
          assertEquals(want, sum.get(point, channel), block + " n=" + n + " c=" + ch);
        }
      }
    }
  }

  /** Inputs, labels (noise) and per-example weights of a small training batch. */
  private static org.nd4j.linalg.dataset.MultiDataSet trainingBatch(ScoreNetworkConfig config, long seed) {
    Random rng = new Random(seed);
    int n = 3;
    int d = config.dimension();
    INDArray x = config.vector() ? TinyNetworks.gaussian(rng, n, d) : TinyNetworks.gaussian(rng, n, config.channels(), config.height(), config.width());
    INDArray temb = TimeEmbedding.of(config).features(TinyNetworks.times(0.1, 0.5, 0.9));
    INDArray eps = TinyNetworks.gaussian(rng, n, d);
    INDArray weights = Nd4j.create(new double[] {0.5, 2.0, 1.25}, new long[] {n, 1}, DataType.DOUBLE);
    return new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {x, temb}, new INDArray[] {eps}, null,
        new INDArray[] {weights});
  }

  /** DL4J's gradient check visits every parameter: a one-block MLP keeps that to ~400 parameters. */
  @Test
  void mlpParameterGradientsPassDl4jGradientCheck() {
    ScoreNetworkConfig config = new ScoreNetworkConfig(1, 1, 3, true, 8, List.of(), 1, TimeEmbeddingKind.FOURIER, 4, 2.0, 8,
        0.0, Normalization.GROUP, 2, 13L);
    ComputationGraph graph = TinyNetworks.randomGraph(config, 9L);
    org.nd4j.linalg.dataset.MultiDataSet batch = trainingBatch(config, 9L);
    DataType previous = Nd4j.dataType();
    DataType previousFloat = Nd4j.defaultFloatingPointType();
    // GradientCheckUtil insists on double as the global default, not only the network's type.
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    try {
      assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig()
          .net(graph)
          .inputs(batch.getFeatures())
          .labels(batch.getLabels())
          .labelMask(batch.getLabelsMaskArrays())
          // Step 1e-6 in double; relative error 1e-5, except that an absolute error below 1e-8 passes:
          // the loss (~10) carries rounding ~1e-14 from its sums, which a difference quotient over
          // 2e-6 turns into ~1e-8 of noise on tiny gradients.
          .epsilon(1e-6)
          .maxRelError(1e-5)
          .minAbsoluteError(1e-8)
          .print(GradientCheckUtil.PrintMode.FAILURES_ONLY)
          .exitOnFirstError(false)));
    } finally {
      Nd4j.setDefaultDataTypes(previous, previousFloat);
    }
  }

  /**
   * For every parameter array k, one random direction u_k: the analytic gradient's component
   * g . u_k against the central difference of the loss along u_k. One pair of passes per array
   * instead of one per parameter keeps the U-Net check fast while still covering every layer,
   * including each block's time projection.
   */
  @Test
  void unetParameterGradientsMatchDirectionalFiniteDifferences() {
    ScoreNetworkConfig config = TinyNetworks.tinyUnet();
    ComputationGraph graph = TinyNetworks.randomGraph(config, 8L);
    org.nd4j.linalg.dataset.MultiDataSet batch = trainingBatch(config, 8L);
    graph.setInputs(batch.getFeatures());
    graph.setLabels(batch.getLabels());
    graph.setLayerMaskArrays(null, batch.getLabelsMaskArrays());
    graph.computeGradientAndScore();
    // DL4J's score is the minibatch mean; its raw gradient is of the sum (the updater divides by N).
    INDArray gradient = graph.gradient().gradient().dup().divi(batch.getFeatures(0).size(0));
    INDArray params = graph.params();
    INDArray base = params.dup();
    Random rng = new Random(80L);
    double h = 1e-6;
    long offset = 0;
    double worst = 0;
    for (Map.Entry<String, INDArray> e : graph.paramTable().entrySet()) {
      long len = e.getValue().length();
      INDArray u = Nd4j.zeros(DataType.DOUBLE, params.length());
      u.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(offset, offset + len)).assign(TinyNetworks.gaussian(rng, len));
      double analytic = gradient.mul(u).sumNumber().doubleValue();
      params.assign(base.add(u.mul(h)));
      double plus = graph.score(batch, true);
      params.assign(base.sub(u.mul(h)));
      double minus = graph.score(batch, true);
      params.assign(base);
      double numeric = (plus - minus) / (2 * h);
      double scale = Math.max(Math.abs(analytic), Math.abs(numeric));
      double rel = scale < 1e-9 ? 0 : Math.abs(analytic - numeric) / scale;
      worst = Math.max(worst, rel);
      // Double precision, h = 1e-6: truncation ~1e-12, rounding ~1e-16 * loss / h ~ 1e-9 relative.
      assertTrue(rel < 1e-5, e.getKey() + ": analytic " + analytic + " numeric " + numeric);
      assertTrue(scale > 1e-9, e.getKey() + " has a vanishing gradient: the check would prove nothing");
      offset += len;
    }
    assertEquals(params.length(), offset);
    System.out.printf("U-Net directional gradient check: %d parameter arrays, worst relative error %.3e%n",
        graph.paramTable().size(), worst);
  }

  @Test
  void weightedLossIsTheWeightedSumOfSquaredNoiseErrors() {
    ScoreNetworkConfig config = TinyNetworks.tinyMlp();
    ComputationGraph graph = TinyNetworks.randomGraph(config, 10L);
    Random rng = new Random(10L);
    INDArray x = TinyNetworks.gaussian(rng, 3, 3);
    INDArray temb = TimeEmbedding.of(config).features(TinyNetworks.times(0.2, 0.4, 0.6));
    INDArray eps = TinyNetworks.gaussian(rng, 3, 3);
    double[] w = {0.5, 2.0, 0.0};
    INDArray out = graph.outputSingle(false, x, temb);
    double expected = 0;
    for (int i = 0; i < 3; i++) {
      expected += w[i] * eps.getRow(i).sub(out.getRow(i)).norm2Number().doubleValue()
          * eps.getRow(i).sub(out.getRow(i)).norm2Number().doubleValue();
    }
    expected /= 3;
    org.nd4j.linalg.dataset.MultiDataSet mds = new org.nd4j.linalg.dataset.MultiDataSet(
        new INDArray[] {x, temb}, new INDArray[] {eps}, null,
        new INDArray[] {Nd4j.create(w, new long[] {3, 1}, DataType.DOUBLE)});
    // Double-precision sums of 9 terms: rounding only.
    assertEquals(expected, graph.score(mds, false), 1e-12 * Math.max(1, expected));
  }
}
