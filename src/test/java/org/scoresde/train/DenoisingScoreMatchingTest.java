package org.scoresde.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.scoresde.fp.FokkerPlanckLoss;
import org.scoresde.model.NetworkScoreModel;
import org.scoresde.nn.Preconditioning;
import org.scoresde.nn.ScoreNetworkBuilder;
import org.scoresde.nn.SingleThreadNd4j;
import org.scoresde.nn.ScoreNetworkConfig;
import org.scoresde.nn.TimeEmbedding;
import org.scoresde.sde.Sde;
import org.scoresde.sde.VpSde;

/** Denoising score matching batches are what the SDE says, and training on them learns the score. */
@ExtendWith(SingleThreadNd4j.class)
class DenoisingScoreMatchingTest {
  /** Four isotropic Gaussians at (+-1, +-1) with standard deviation S, equal weights. */
  private static final double[][] MEANS = {{1, 1}, {1, -1}, {-1, 1}, {-1, -1}};
  private static final double S = 0.15;

  private static INDArray sampleMixture(SplittableRandom rng, int n) {
    double[] x = new double[2 * n];
    for (int i = 0; i < n; i++) {
      double[] m = MEANS[rng.nextInt(MEANS.length)];
      x[2 * i] = m[0] + S * rng.nextGaussian();
      x[2 * i + 1] = m[1] + S * rng.nextGaussian();
    }
    return Nd4j.create(x, new long[] {n, 2}, DataType.DOUBLE);
  }

  /**
   * The loss of the best possible noise predictor E[eps | x_t] = -sigma_t s*(x_t), with s* the
   * exact score of the mixture under the SDE (each component stays Gaussian: N(gamma mu_k, (gamma^2 S^2 + sigma^2) I)).
   */
  private static double optimalLoss(Sde sde, INDArray xt, INDArray eps, double[] t) {
    double total = 0;
    for (int i = 0; i < t.length; i++) {
      double g = sde.meanScale(t[i]);
      double sigma = sde.std(t[i]);
      double v = g * g * S * S + sigma * sigma;
      double x = xt.getDouble(i, 0);
      double y = xt.getDouble(i, 1);
      double[] logr = new double[MEANS.length];
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < MEANS.length; k++) {
        double dx = x - g * MEANS[k][0];
        double dy = y - g * MEANS[k][1];
        logr[k] = -(dx * dx + dy * dy) / (2 * v);
        max = Math.max(max, logr[k]);
      }
      double z = 0;
      double sx = 0;
      double sy = 0;
      for (int k = 0; k < MEANS.length; k++) {
        double r = Math.exp(logr[k] - max);
        z += r;
        sx += r * -(x - g * MEANS[k][0]) / v;
        sy += r * -(y - g * MEANS[k][1]) / v;
      }
      double ex = eps.getDouble(i, 0) + sigma * sx / z;
      double ey = eps.getDouble(i, 1) + sigma * sy / z;
      total += ex * ex + ey * ey;
    }
    return total / t.length;
  }

  @Test
  void fokkerPlanckBatchLaysTheSameNoisyImagesOutAsStencilGroupsThatAUnetTrainsOn() {
    Sde sde = new VpSde();
    ScoreNetworkConfig config = ScoreNetworkConfig.unet(1, 4, 4, 4, java.util.List.of(1), 1);
    DenoisingScoreMatching dsm = new DenoisingScoreMatching(sde, config);
    INDArray x0 = Nd4j.linspace(DataType.FLOAT, -1, 2.0 / 31, 32).reshape(2, 1, 4, 4);
    double[] t = {0.05, 0.7};
    double[] w = {1.5, 0.25};
    FokkerPlanckLoss loss = FokkerPlanckLoss.of(sde, 0.15);
    int g = loss.stencil().groupSizeAt(16);
    MultiDataSet plain = dsm.batch(x0, t, w, 99L);
    MultiDataSet fp = dsm.fokkerPlanckBatch(x0, t, w, 99L, loss.stencil());
    assertEquals(4, fp.getFeatures(0).rank());
    assertEquals(2 * g, fp.getFeatures(0).size(0));
    assertEquals(2 * g, fp.getFeatures(1).size(0));
    for (int i = 0; i < 2; i++) {
      assertEquals(plain.getFeatures(0).reshape(2, 16).getRow(i), fp.getFeatures(0).reshape(2 * g, 16).getRow((long) i * g),
          "row 0 of each group is the DSM example x_t");
      assertEquals(plain.getLabels(0).getRow(i), fp.getLabels(0).getRow((long) i * g), "with the same noise as label");
      assertEquals(plain.getFeatures(1).getRow(i), fp.getFeatures(1).getRow((long) i * g));
    }
    ComputationGraph graph = new ScoreNetworkBuilder(config).newTrainingGraph(new Adam(1e-3), DataType.FLOAT);
    graph.setListeners();
    ComputationGraph fpGraph = new ComputationGraph(new ScoreNetworkBuilder(config).training(new Adam(1e-3), DataType.FLOAT, loss));
    fpGraph.init(graph.params().dup(), true);
    double before = fpGraph.score(fp);
    assertTrue(Double.isFinite(before));
    fpGraph.fit(fp);
    assertTrue(Double.isFinite(fpGraph.score(fp)));
    assertTrue(graph.params().sub(fpGraph.params()).amaxNumber().doubleValue() > 0, "one step moved the weights");
  }

  @Test
  void batchIsTheForwardMarginalSample() {
    Sde sde = new VpSde();
    ScoreNetworkConfig config = ScoreNetworkConfig.unet(1, 4, 4, 4, java.util.List.of(1), 1);
    DenoisingScoreMatching dsm = new DenoisingScoreMatching(sde, config);
    INDArray x0 = Nd4j.linspace(DataType.DOUBLE, -1, 2.0 / 31, 32).reshape(2, 1, 4, 4);
    double[] t = {0.05, 0.7};
    double[] w = {1.5, 0.25};
    MultiDataSet b = dsm.batch(x0, t, w, 99L);
    INDArray xt = b.getFeatures(0);
    INDArray eps = b.getLabels(0);
    assertEquals(4, xt.rank());
    assertEquals(16, eps.size(1));
    for (int i = 0; i < 2; i++) {
      INDArray expected = x0.reshape(2, 16).getRow(i).mul(sde.meanScale(t[i])).add(eps.getRow(i).mul(sde.std(t[i])));
      // Two double operations per element: rounding only.
      assertEquals(0.0, xt.reshape(2, 16).getRow(i).sub(expected).amaxNumber().doubleValue(), 1e-15);
      assertEquals(w[i], b.getLabelsMaskArray(0).getDouble(i, 0));
    }
    assertEquals(TimeEmbedding.of(config).features(t, DataType.DOUBLE), b.getFeatures(1));
    assertEquals(eps, dsm.batch(x0, t, w, 99L).getLabels(0), "the same seed draws the same noise");
    // 32 draws of N(0,1): a mean further than 4 standard errors (4/sqrt(32) = 0.71) from 0 would mean biased noise.
    assertTrue(Math.abs(eps.meanNumber().doubleValue()) < 0.71);
  }

  @Test
  void adamStepsOnAMixtureMakeTheLossFallTowardTheOptimum() {
    trainTowardTheOptimum(Preconditioning.NONE, 0.25, 10);
  }

  @Test
  void adamStepsThroughTheSkipPreconditioningMakeTheLossFallTowardTheOptimum() {
    // c_skip x_t is already the best linear noise predictor, so the untrained network starts nearer the
    // optimum (measured: excess 0.25 against 1.03 without it) and the fall is smaller in both measures
    trainTowardTheOptimum(new Preconditioning("skip", 1.0), 0.5, 3);
  }

  /**
   * With a preconditioning the batch's labels and mask are F's target and w c_out^2, and the loss they
   * give is still w ||eps - eps_theta||^2 with eps_theta = c_skip x_t + c_out F.
   */
  @Test
  void skipBatchKeepsTheNoisePredictionObjective() {
    Sde sde = new VpSde();
    ScoreNetworkConfig config = ScoreNetworkConfig.unet(1, 4, 4, 4, java.util.List.of(1), 1)
        .withPreconditioning(Preconditioning.of("skip"));
    ComputationGraph graph = new ScoreNetworkBuilder(config).newTrainingGraph(new Adam(1e-3), DataType.DOUBLE);
    graph.params().assign(Nd4j.rand(DataType.DOUBLE, graph.params().shape()).subi(0.5).muli(0.8));
    DenoisingScoreMatching dsm = new DenoisingScoreMatching(sde, config);
    INDArray x0 = Nd4j.linspace(DataType.DOUBLE, -1, 2.0 / 47, 48).reshape(3, 1, 4, 4);
    double[] t = {1e-3, 0.4, 1.0};
    double[] w = {1.5, 0.25, 2.0};
    INDArray eps = Nd4j.randn(DataType.DOUBLE, 3, 16);
    MultiDataSet b = dsm.batch(x0, t, w, eps);
    INDArray xt = b.getFeatures(0).reshape('c', 3, 16);
    INDArray predicted = new NetworkScoreModel(graph, config, sde).predictNoise(xt, Nd4j.createFromArray(t));
    INDArray loss = DenoisingScoreMatching.perExampleLoss(graph, b);
    for (int i = 0; i < 3; i++) {
      INDArray diff = eps.getRow(i).sub(predicted.getRow(i));
      double expected = w[i] * diff.mul(diff).sumNumber().doubleValue();
      // the same double-precision numbers reached by two routes: rounding only
      assertEquals(expected, loss.getDouble(i), 1e-10 * expected, "example " + i + " at t = " + t[i]);
      double out = Preconditioning.of("skip").out(sde, t[i]);
      assertEquals(w[i] * out * out, b.getLabelsMaskArray(0).getDouble(i, 0), 1e-15 * w[i]);
    }
  }

  /**
   * 300 Adam steps; the excess over the exact optimum must fall to {@code excessRatio} of the first 20
   * steps' and below 0.1, and the loss by {@code standardErrors} standard errors of a 20-step mean.
   */
  private static void trainTowardTheOptimum(Preconditioning preconditioning, double excessRatio, int standardErrors) {
    Sde sde = new VpSde();
    ScoreNetworkConfig config = ScoreNetworkConfig.mlp(2, 64, 2).withPreconditioning(preconditioning);
    ComputationGraph graph = new ScoreNetworkBuilder(config).newTrainingGraph(new Adam(2e-3), DataType.DOUBLE);
    DenoisingScoreMatching dsm = new DenoisingScoreMatching(sde, config);
    SplittableRandom rng = new SplittableRandom(2024L);
    int steps = 300;
    int batchSize = 128;
    double[] loss = new double[steps];
    double[] optimum = new double[steps];
    for (int s = 0; s < steps; s++) {
      INDArray x0 = sampleMixture(rng, batchSize);
      double[] t = new double[batchSize];
      double[] w = new double[batchSize];
      for (int i = 0; i < batchSize; i++) {
        t[i] = 1e-3 + (1 - 1e-3) * rng.nextDouble();
        w[i] = 1.0;
      }
      INDArray eps = Nd4j.create(DataType.DOUBLE, batchSize, 2);
      for (int i = 0; i < 2 * batchSize; i++) {
        eps.putScalar(i / 2, i % 2, rng.nextGaussian());
      }
      MultiDataSet batch = dsm.batch(x0, t, w, eps);
      loss[s] = DenoisingScoreMatching.loss(graph, batch);
      optimum[s] = optimalLoss(sde, batch.getFeatures(0), eps, t);
      graph.fit(batch);
      // fit's own score is the loss at the parameters before its update, as computed above.
      assertEquals(loss[s], graph.score(), 1e-9 * Math.max(1, loss[s]));
    }
    double first = mean(loss, 0, 20);
    double last = mean(loss, steps - 20, steps);
    double excessFirst = first - mean(optimum, 0, 20);
    double excessLast = last - mean(optimum, steps - 20, steps);
    System.out.printf("DSM loss (" + preconditioning.kind() + "): first 20 steps %.4f, last 20 steps %.4f; exact optimum %.4f; excess %.4f -> %.4f%n",
        first, last, mean(optimum, steps - 20, steps), excessFirst, excessLast);
    // Each step's loss is a mean over 128 examples whose loss has standard deviation ~2 (a chi-square
    // with 2 degrees of freedom at worst), so a 20-step mean has standard error ~2/sqrt(2560) = 0.04;
    // the optimum is paired with the same batches. A fall of the excess to a quarter (or a half) is many
    // standard errors, not noise; an excess under 0.1 is within a quarter of the optimum (0.39).
    assertTrue(excessLast < excessRatio * excessFirst, "excess loss " + excessFirst + " -> " + excessLast);
    assertTrue(excessLast < 0.1, "excess loss at the end " + excessLast);
    assertTrue(last < first - standardErrors * 0.04, "loss " + first + " -> " + last);
  }

  private static double mean(double[] a, int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) {
      s += a[i];
    }
    return s / (to - from);
  }
}
