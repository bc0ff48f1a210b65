package org.scoresde.train;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.scoresde.fp.FokkerPlanckStencil;
import org.scoresde.nd4j.JavaArrays;
import org.scoresde.nn.Preconditioning;
import org.scoresde.nn.ScoreNetworkConfig;
import org.scoresde.nn.TimeEmbedding;
import org.scoresde.sde.Sde;
import org.scoresde.time.Seeds;

/**
 * Denoising score matching in noise-prediction form: for clean data x0, times t and per-example
 * weights w (drawn by the caller, e.g. by an importance sampler), it draws eps ~ N(0, I), forms
 * x_t = gamma_t x0 + sigma_t eps and builds the minibatch the score network trains on, whose loss
 * is mean_i w_i ||eps_i - eps_theta(x_t_i, t_i)||^2.
 *
 * <p>Batch layout: features {x_t in the network's input shape ([N, C, H, W] or [N, D]), time
 * features [N, E]}; labels {eps [N, D], flattened in C, H, W order}; label mask {w [N, 1]}. With a
 * {@link Preconditioning} eps_theta = c_skip x_t + c_out F, the label is F's target
 * (eps - c_skip x_t) / c_out and the mask w c_out^2, so the loss on F is the same objective.
 */
public final class DenoisingScoreMatching {
  private static final long STENCIL_STREAM = 0x46504446L;
  private final Sde sde;
  private final ScoreNetworkConfig config;
  private final TimeEmbedding embedding;

  public DenoisingScoreMatching(Sde sde, ScoreNetworkConfig config) {
    this.sde = sde;
    this.config = config;
    this.embedding = TimeEmbedding.of(config);
  }

  public Sde sde() {
    return sde;
  }

  /** The training minibatch for x0 ([N, C, H, W] or [N, D], already scaled), with noise drawn from {@code seed}. */
  public MultiDataSet batch(INDArray x0, double[] t, double[] w, long seed) {
    return batch(x0, t, w, noise((int) x0.size(0), seed).castTo(x0.dataType()));
  }

  /** The training minibatch for x0 with the given noise eps [N, D]. */
  public MultiDataSet batch(INDArray x0, double[] t, double[] w, INDArray eps) {
    int n = (int) x0.size(0);
    int d = config.dimension();
    if (x0.length() != (long) n * d) {
      throw new IllegalArgumentException("x0 " + Arrays.toString(x0.shape()) + " does not hold " + n + " examples of dimension " + d);
    }
    if (t.length != n || w.length != n || eps.size(0) != n || eps.length() != (long) n * d) {
      throw new IllegalArgumentException("need one time, one weight and one noise row per example: " + n
          + " examples, " + t.length + " times, " + w.length + " weights, noise " + Arrays.toString(eps.shape()));
    }
    DataType type = x0.dataType();
    INDArray noise = eps.castTo(type).reshape('c', n, d);
    INDArray xt = noised(x0, t, noise);
    INDArray features = embedding.features(t, type);
    Preconditioning p = config.preconditioning();
    if (p.isNone()) {
      return new MultiDataSet(new INDArray[] {networkInput(xt), features}, new INDArray[] {noise.dup()}, null,
          new INDArray[] {JavaArrays.column(w, type)});
    }
    double[] skip = new double[n];
    double[] inverseOut = new double[n];
    double[] weight = new double[n];
    for (int i = 0; i < n; i++) {
      double out = p.out(sde, t[i]);
      skip[i] = p.skip(sde, t[i]);
      inverseOut[i] = 1.0 / out;
      weight[i] = w[i] * out * out;
    }
    INDArray target = noise.sub(xt.mulColumnVector(JavaArrays.column(skip, type)))
        .muliColumnVector(JavaArrays.column(inverseOut, type));
    return new MultiDataSet(new INDArray[] {networkInput(xt), features}, new INDArray[] {target}, null,
        new INDArray[] {JavaArrays.column(weight, type)});
  }

  /**
   * The FP-Diffusion training minibatch for x0: the same x_t, noise and weights as
   * {@link #batch(INDArray, double[], double[], long)} with this seed, laid out as the stencil's groups
   * of G rows per example (docs/fp-diffusion.md section 5) for {@code FokkerPlanckLoss}; the stencil's
   * directions and probes come from a stream derived from {@code seed}.
   *
   * <p>Batch layout: features {stencil inputs in the network's input shape [N G, ...], time features of
   * each row's own time [N G, E]}; labels and label mask as the stencil made them.
   */
  public MultiDataSet fokkerPlanckBatch(INDArray x0, double[] t, double[] w, long seed, FokkerPlanckStencil stencil) {
    int n = (int) x0.size(0);
    int d = config.dimension();
    if (x0.length() != (long) n * d || t.length != n || w.length != n) {
      throw new IllegalArgumentException("need " + n + " examples of dimension " + d + " with one time and weight each, got x0 "
          + Arrays.toString(x0.shape()) + ", " + t.length + " times, " + w.length + " weights");
    }
    if (!config.preconditioning().isNone()) {
      throw new IllegalStateException("the Fokker-Planck stencil reads the network output as the noise: it needs "
          + "net.preconditioning = none, got " + config.preconditioning().kind());
    }
    DataType type = x0.dataType();
    INDArray noise = noise(n, seed).castTo(type);
    INDArray xt = noised(x0, t, noise);
    FokkerPlanckStencil.Batch b = stencil.build(xt, Nd4j.createFromArray(t), noise,
        Nd4j.createFromArray(w), Seeds.derive(seed, STENCIL_STREAM));
    return new MultiDataSet(new INDArray[] {networkInput(b.inputs()), embedding.features(b.times())},
        new INDArray[] {b.labels()}, null, new INDArray[] {b.labelMask()});
  }

  private INDArray noise(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] eps = new double[n * config.dimension()];
    for (int i = 0; i < eps.length; i++) {
      eps[i] = rng.nextGaussian();
    }
    return Nd4j.create(eps, new long[] {n, config.dimension()}, DataType.DOUBLE);
  }

  /** x_t = gamma_t x0 + sigma_t eps as [N, D] in x0's type. */
  private INDArray noised(INDArray x0, double[] t, INDArray noise) {
    int n = t.length;
    DataType type = x0.dataType();
    double[] gamma = new double[n];
    double[] sigma = new double[n];
    for (int i = 0; i < n; i++) {
      gamma[i] = sde.meanScale(t[i]);
      sigma[i] = sde.std(t[i]);
    }
    INDArray flat = x0.dup('c').reshape('c', n, config.dimension());
    return flat.mulColumnVector(JavaArrays.column(gamma, type)).addi(noise.mulColumnVector(JavaArrays.column(sigma, type)));
  }

  private INDArray networkInput(INDArray rows) {
    long n = rows.size(0);
    return config.vector() ? rows : rows.reshape('c', n, config.channels(), config.height(), config.width());
  }

  /** w_i ||eps_i - eps_theta_i||^2 for every example of a batch built here, under the network (no update); returns [N]
   * (with a preconditioning, w_i c_out^2 ||target_i - F_i||^2, the same number). */
  public static INDArray perExampleLoss(ComputationGraph graph, MultiDataSet batch) {
    return perExampleLoss(graph.output(false, batch.getFeatures())[0], batch);
  }

  /** The same from the network's output for the batch (any shape with N rows in C order); returns [N]. */
  public static INDArray perExampleLoss(INDArray out, MultiDataSet batch) {
    INDArray eps = batch.getLabels(0);
    long n = eps.size(0);
    INDArray diff = eps.castTo(DataType.DOUBLE).sub(out.castTo(DataType.DOUBLE).reshape('c', n, eps.length() / n));
    INDArray loss = diff.muli(diff).sum(1);
    INDArray[] masks = batch.getLabelsMaskArrays();
    if (masks != null && masks[0] != null) {
      loss.muli(masks[0].castTo(DataType.DOUBLE).reshape(n));
    }
    return loss;
  }

  /** The weighted DSM loss of a batch built here: the mean over examples of w_i ||eps_i - eps_theta_i||^2. */
  public static double loss(ComputationGraph graph, MultiDataSet batch) {
    return perExampleLoss(graph, batch).meanNumber().doubleValue();
  }
}
