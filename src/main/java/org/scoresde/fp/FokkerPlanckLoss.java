package org.scoresde.fp;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.scoresde.nd4j.JavaArrays;
import org.scoresde.sde.Sde;
import org.scoresde.sde.Sdes;

/**
 * Denoising score matching plus the FP-Diffusion penalty as one DL4J loss, for a minibatch laid out by
 * {@link FokkerPlanckStencil}: groups of G = 3 + 4K rows per example, the network's outputs eps_theta
 * [rows, D], the labels and label mask the stencil made. Per example i it charges
 * w_i |eps_i - eps_theta(x_i, t_i)|^2 on the group's row 0 (as {@code nn.WeightedNoiseLoss} does) plus
 * alpha p_i (for t_i >= minTime, default 0), p_i = g(t_i)^2 E_i / D^2 the penalty of {@link FokkerPlanckPenalty}, plus scalarWeight
 * |B|_2 once per minibatch; the gradient with respect to every row's output is exact. Scores and
 * gradients are multiplied by G, so that DL4J's division by the number of rows leaves the mean over
 * examples: with alpha = 0 the objective equals WeightedNoiseLoss's on the row-0 examples.
 *
 * <p>Fields are plain properties (getters, no-arg constructor) so that the network configuration's
 * JSON carries them; the SDE is rebuilt from its name and parameters. Rows of a group must be
 * independent evaluations of one function: train with dropout 0 (docs/fp-diffusion.md).
 */
public final class FokkerPlanckLoss implements ILossFunction {
  private static final long serialVersionUID = 1L;

  private double alpha = 0.15;
  private double scalarWeight = 0.0;
  private String sde = "vp";
  private Map<String, Double> sdeParameters = new TreeMap<>();
  private double timeBackward = TimeDifference.REFERENCE_BACKWARD;
  private double timeForward = TimeDifference.REFERENCE_FORWARD;
  private double maxRelativeBackward = TimeDifference.DEFAULT_MAX_RELATIVE_BACKWARD;
  private double directionStep = FokkerPlanckStencil.DEFAULT_STEP;
  private double probeStep = FokkerPlanckStencil.DEFAULT_STEP;
  private String directions = "rademacher";
  private String probes = "rademacher";
  private int probeCount = 2;
  private boolean unbiased = true;
  private double minTime = 0.0;
  private transient FokkerPlanckStencil stencil;

  /** The defaults (VP, alpha = 0.15, two Rademacher probes, unbiased); also for JSON deserialization. */
  public FokkerPlanckLoss() {}

  /**
   * @param alpha the weight of the penalty (the paper's setting: 0.15)
   * @param scalarWeight the weight of the paper's scalar term (0 = off)
   * @param unbiased the two-or-more-probe U-statistic (true) or the square of the probe mean (the reference)
   */
  public FokkerPlanckLoss(Sde sde, double alpha, double scalarWeight, TimeDifference time, double directionStep,
      double probeStep, ProbeDistribution directions, ProbeDistribution probes, int probeCount, boolean unbiased) {
    this.alpha = alpha;
    this.scalarWeight = scalarWeight;
    this.sde = sde.name();
    this.sdeParameters = new TreeMap<>(sde.parameters());
    this.timeBackward = time.backward();
    this.timeForward = time.forward();
    this.maxRelativeBackward = time.maxRelativeBackward();
    this.directionStep = directionStep;
    this.probeStep = probeStep;
    this.directions = directions.name().toLowerCase(java.util.Locale.ROOT);
    this.probes = probes.name().toLowerCase(java.util.Locale.ROOT);
    this.probeCount = probeCount;
    this.unbiased = unbiased;
    stencil();
  }

  /** The defaults with the given SDE and weight alpha. */
  public static FokkerPlanckLoss of(Sde sde, double alpha) {
    return new FokkerPlanckLoss(sde, alpha, 0.0, TimeDifference.reference(), FokkerPlanckStencil.DEFAULT_STEP,
        FokkerPlanckStencil.DEFAULT_STEP, ProbeDistribution.RADEMACHER, ProbeDistribution.RADEMACHER, 2, true);
  }

  /** The stencil that lays out minibatches for this loss (same SDE, steps and probes). */
  public FokkerPlanckStencil stencil() {
    if (stencil == null) {
      if (unbiased && (!ProbeDistribution.parse(probes).random() || probeCount < 2)) {
        throw new IllegalArgumentException("the unbiased Fokker-Planck penalty needs at least 2 random probes, got "
            + probeCount + " " + probes);
      }
      stencil = new FokkerPlanckStencil(Sdes.create(sde, sdeParameters),
          new TimeDifference(timeBackward, timeForward, maxRelativeBackward), directionStep, probeStep,
          ProbeDistribution.parse(directions), ProbeDistribution.parse(probes), probeCount);
    }
    return stencil;
  }

  @Override
  public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
    Evaluation e = evaluate(labels, preOutput, activationFn, mask, false);
    return JavaArrays.create(e.rowScores, new long[] {e.rows, 1}, preOutput.dataType());
  }

  @Override
  public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask, boolean average) {
    Evaluation e = evaluate(labels, preOutput, activationFn, mask, false);
    double total = 0;
    for (double v : e.rowScores) {
      total += v;
    }
    return average ? total / e.rows : total;
  }

  @Override
  public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
    Evaluation e = evaluate(labels, preOutput, activationFn, mask, true);
    return activationFn.backprop(preOutput.dup(), e.outputGradient).getFirst();
  }

  @Override
  public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
      INDArray mask, boolean average) {
    Evaluation e = evaluate(labels, preOutput, activationFn, mask, true);
    double total = 0;
    for (double v : e.rowScores) {
      total += v;
    }
    return new Pair<>(average ? total / e.rows : total, activationFn.backprop(preOutput.dup(), e.outputGradient).getFirst());
  }

  private record Evaluation(int rows, double[] rowScores, INDArray outputGradient) {}

  private Evaluation evaluate(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask, boolean gradient) {
    if (labels.length() != preOutput.length() || labels.size(0) != preOutput.size(0)) {
      throw new IllegalArgumentException("labels " + Arrays.toString(labels.shape()) + " do not match the network output "
          + Arrays.toString(preOutput.shape()));
    }
    INDArray out = activationFn.getActivation(preOutput.dup(), true);
    int rows = (int) out.size(0);
    int d = (int) (out.length() / rows);
    INDArray out2 = out.reshape(rows, d);
    StencilGroups g = stencil().decode(labels.reshape(rows, d), mask);
    int n = g.n();
    int size = g.groupSize();
    double[] o = JavaArrays.values(out2);
    double[] rowScores = new double[rows];
    double[] grad = gradient ? new double[rows * d] : null;
    for (int i = 0; i < n; i++) {
      int row = i * size + FokkerPlanckStencil.CENTER;
      double w = g.weights()[i];
      double sq = 0;
      for (int j = 0; j < d; j++) {
        double r = g.noise()[i * d + j] - o[row * d + j];
        sq += r * r;
        if (gradient) {
          grad[row * d + j] = -2.0 * size * w * r;
        }
      }
      rowScores[row] = size * w * sq;
    }
    if (alpha != 0 || scalarWeight != 0) {
      FokkerPlanckPenalty penalty = new FokkerPlanckPenalty(stencil().sde(), g, alpha, scalarWeight, unbiased, minTime);
      double[] per = penalty.perExample(out2);
      double[] scalar = penalty.scalarTerm(out2);
      double norm = 0;
      for (double b : scalar) {
        norm += b * b;
      }
      norm = Math.sqrt(norm);
      for (int i = 0; i < n; i++) {
        double share = scalarWeight != 0 && norm > 0 ? (double) n * scalarWeight * scalar[i] * scalar[i] / norm : 0;
        rowScores[i * size + FokkerPlanckStencil.CENTER] += size * (alpha * per[i] + share);
      }
      if (gradient) {
        double[] pg = JavaArrays.values(penalty.gradient(out2));
        double f = (double) n * size;
        for (int p = 0; p < pg.length; p++) {
          grad[p] += f * pg[p];
        }
      }
    }
    INDArray outputGradient = gradient ? JavaArrays.create(grad, out.shape(), preOutput.dataType()) : null;
    return new Evaluation(rows, rowScores, outputGradient);
  }

  public double getAlpha() {
    return alpha;
  }

  public double getScalarWeight() {
    return scalarWeight;
  }

  public String getSde() {
    return sde;
  }

  public Map<String, Double> getSdeParameters() {
    return new TreeMap<>(sdeParameters);
  }

  public double getTimeBackward() {
    return timeBackward;
  }

  public double getTimeForward() {
    return timeForward;
  }

  public double getMaxRelativeBackward() {
    return maxRelativeBackward;
  }

  public double getDirectionStep() {
    return directionStep;
  }

  public double getProbeStep() {
    return probeStep;
  }

  public String getDirections() {
    return directions;
  }

  public String getProbes() {
    return probes;
  }

  public int getProbeCount() {
    return probeCount;
  }

  public boolean isUnbiased() {
    return unbiased;
  }

  /** The smallest diffusion time whose examples carry the penalty (0: all; the reference). */
  public double getMinTime() {
    return minTime;
  }

  /** This loss with the penalty restricted to examples with t >= minTime. */
  public FokkerPlanckLoss withMinTime(double newMinTime) {
    if (!(newMinTime >= 0) || !Double.isFinite(newMinTime)) {
      throw new IllegalArgumentException("the penalty's smallest time must be finite and >= 0, got " + newMinTime);
    }
    FokkerPlanckLoss l = new FokkerPlanckLoss(stencil().sde(), alpha, scalarWeight,
        new TimeDifference(timeBackward, timeForward, maxRelativeBackward), directionStep, probeStep,
        ProbeDistribution.parse(directions), ProbeDistribution.parse(probes), probeCount, unbiased);
    l.minTime = newMinTime;
    return l;
  }

  @Override
  public String name() {
    return "fokker-planck-dsm";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FokkerPlanckLoss l
        && alpha == l.alpha && scalarWeight == l.scalarWeight && sde.equals(l.sde)
        && sdeParameters.equals(l.sdeParameters) && timeBackward == l.timeBackward && timeForward == l.timeForward
        && maxRelativeBackward == l.maxRelativeBackward && directionStep == l.directionStep && probeStep == l.probeStep
        && directions.equals(l.directions) && probes.equals(l.probes) && probeCount == l.probeCount
        && unbiased == l.unbiased && minTime == l.minTime;
  }

  @Override
  public int hashCode() {
    return Objects.hash(alpha, scalarWeight, sde, sdeParameters, timeBackward, timeForward, maxRelativeBackward,
        directionStep, probeStep, directions, probes, probeCount, unbiased, minTime);
  }

  @Override
  public String toString() {
    return "FokkerPlanckLoss(alpha=" + alpha + ", scalarWeight=" + scalarWeight + ", sde=" + sde + sdeParameters
        + ", h=(" + timeBackward + ", " + timeForward + "), steps=(" + directionStep + ", " + probeStep + "), "
        + probeCount + " " + probes + " probes, " + (unbiased ? "unbiased" : "biased")
        + (minTime > 0 ? ", t >= " + minTime : "") + ")";
  }
}
