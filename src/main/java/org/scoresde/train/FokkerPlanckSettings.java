package org.scoresde.train;

import java.util.List;
import java.util.Optional;
import org.scoresde.config.Settings;
import org.scoresde.config.UserError;
import org.scoresde.fp.FokkerPlanckLoss;
import org.scoresde.fp.ProbeDistribution;
import org.scoresde.fp.TimeDifference;
import org.scoresde.sde.Sde;

/**
 * The {@code train.fp} block: FP-Diffusion's penalty weight, stencil and probes. {@link #loss} is the
 * loss a new model trains with (none when alpha and the scalar weight are 0: plain denoising score
 * matching); {@link #measurement} the same stencil at weight 0, to measure the penalty of any run.
 */
public record FokkerPlanckSettings(double alpha, double scalarWeight, List<Double> timeSteps, int probes, double step,
    boolean unbiased, double minTime) {

  public FokkerPlanckSettings {
    timeSteps = List.copyOf(timeSteps);
  }

  public static FokkerPlanckSettings from(Settings s) {
    List<Double> h;
    try {
      h = s.config().getDoubleList("train.fp.time-steps");
    } catch (RuntimeException e) {
      throw new UserError("configuration key 'train.fp.time-steps': " + e.getMessage());
    }
    return new FokkerPlanckSettings(s.getDouble("train.fp.alpha"), s.getDouble("train.fp.scalar-weight"), h,
        s.getInt("train.fp.probes"), s.getDouble("train.fp.step"), s.getBoolean("train.fp.unbiased"),
        s.getDouble("train.fp.t-min"));
  }

  /**
   * The regularized loss under {@code sde}, or empty for plain DSM; the penalty needs {@code network}'s
   * dropout at 0 and its output to be the noise itself (net.preconditioning = none).
   */
  public Optional<FokkerPlanckLoss> loss(Sde sde, NetworkSettings network) {
    double dropout = network.dropout();
    if (!(alpha >= 0) || !Double.isFinite(alpha) || !(scalarWeight >= 0) || !Double.isFinite(scalarWeight)) {
      throw new UserError("train.fp.alpha and train.fp.scalar-weight must be finite and >= 0, got " + alpha + " and "
          + scalarWeight);
    }
    if (alpha == 0 && scalarWeight == 0) {
      return Optional.empty();
    }
    if (dropout > 0) {
      throw new UserError("train.fp.alpha = " + alpha + " needs net.dropout = 0 (the rows of a Fokker-Planck stencil "
          + "must see one function), got net.dropout = " + dropout);
    }
    FokkerPlanckLoss loss;
    try {
      loss = build(sde, alpha, scalarWeight).withMinTime(minTime);
    } catch (IllegalArgumentException e) {
      throw new UserError("train.fp.t-min: " + e.getMessage());
    }
    if (!network.preconditioning().equalsIgnoreCase("none")) {
      throw new UserError("train.fp.alpha = " + alpha + " needs net.preconditioning = none (the Fokker-Planck stencil "
          + "reads the network's output as the noise), got net.preconditioning = " + network.preconditioning());
    }
    return Optional.of(loss);
  }

  /**
   * The stencil and penalty settings at alpha 0: what a plain DSM run measures its Fokker-Planck
   * penalty with, for comparison with regularized runs.
   */
  public FokkerPlanckLoss measurement(Sde sde) {
    return build(sde, 0.0, 0.0);
  }

  private FokkerPlanckLoss build(Sde sde, double a, double scalar) {
    if (timeSteps.size() != 2) {
      throw new UserError("train.fp.time-steps must be [h-, h+] (two numbers), got " + timeSteps);
    }
    try {
      return new FokkerPlanckLoss(sde, a, scalar,
          new TimeDifference(timeSteps.get(0), timeSteps.get(1), TimeDifference.DEFAULT_MAX_RELATIVE_BACKWARD), step, step,
          ProbeDistribution.RADEMACHER, ProbeDistribution.RADEMACHER, probes, unbiased);
    } catch (IllegalArgumentException e) {
      throw new UserError("train.fp: " + e.getMessage());
    }
  }

  /** Network rows per example: 1 for plain DSM, the stencil's group size 3 + 4K with the regularizer. */
  public static int rowsPerExample(Optional<FokkerPlanckLoss> loss, int dimension) {
    return loss.map(l -> l.stencil().groupSizeAt(dimension)).orElse(1);
  }
}
