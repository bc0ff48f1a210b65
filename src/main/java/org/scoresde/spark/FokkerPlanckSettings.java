package org.scoresde.spark;

import java.util.List;
import java.util.Optional;
import org.scoresde.config.Settings;
import org.scoresde.config.UserError;
import org.scoresde.fp.FokkerPlanckLoss;
import org.scoresde.fp.ProbeDistribution;
import org.scoresde.fp.TimeDifference;
import org.scoresde.sde.Sde;

/**
 * The FP-Diffusion loss a new model trains with, from the {@code train.fp} block: empty when
 * {@code train.fp.alpha} is 0 (plain denoising score matching).
 */
public final class FokkerPlanckSettings {
  private FokkerPlanckSettings() {}

  public static Optional<FokkerPlanckLoss> loss(Settings s, Sde sde) {
    double alpha = s.getDouble("train.fp.alpha");
    double scalar = s.getDouble("train.fp.scalar-weight");
    if (!(alpha >= 0) || !Double.isFinite(alpha) || !(scalar >= 0) || !Double.isFinite(scalar)) {
      throw new UserError("train.fp.alpha and train.fp.scalar-weight must be finite and >= 0, got " + alpha + " and " + scalar);
    }
    if (alpha == 0 && scalar == 0) {
      return Optional.empty();
    }
    if (s.getDouble("net.dropout") > 0) {
      throw new UserError("train.fp.alpha = " + alpha + " needs net.dropout = 0 (the rows of a Fokker-Planck stencil "
          + "must see one function), got net.dropout = " + s.getDouble("net.dropout"));
    }
    double minTime = s.getDouble("train.fp.t-min");
    try {
      return Optional.of(build(s, sde, alpha, scalar).withMinTime(minTime));
    } catch (IllegalArgumentException e) {
      throw new UserError("train.fp.t-min: " + e.getMessage());
    }
  }

  /**
   * The train.fp stencil and penalty settings at alpha 0: what a plain DSM run measures its
   * Fokker-Planck penalty with, for comparison with regularized runs.
   */
  public static FokkerPlanckLoss measurement(Settings s, Sde sde) {
    return build(s, sde, 0.0, 0.0);
  }

  private static FokkerPlanckLoss build(Settings s, Sde sde, double alpha, double scalar) {
    List<Double> h;
    try {
      h = s.config().getDoubleList("train.fp.time-steps");
    } catch (RuntimeException e) {
      throw new UserError("configuration key 'train.fp.time-steps': " + e.getMessage());
    }
    if (h.size() != 2) {
      throw new UserError("train.fp.time-steps must be [h-, h+] (two numbers), got " + h);
    }
    int probes = s.getInt("train.fp.probes");
    double step = s.getDouble("train.fp.step");
    try {
      return new FokkerPlanckLoss(sde, alpha, scalar,
          new TimeDifference(h.get(0), h.get(1), TimeDifference.DEFAULT_MAX_RELATIVE_BACKWARD), step, step,
          ProbeDistribution.RADEMACHER, ProbeDistribution.RADEMACHER, probes, s.getBoolean("train.fp.unbiased"));
    } catch (IllegalArgumentException e) {
      throw new UserError("train.fp: " + e.getMessage());
    }
  }

  /** Network rows per example: 1 for plain DSM, the stencil's group size 3 + 4K with the regularizer. */
  public static int rowsPerExample(Optional<FokkerPlanckLoss> loss, int dimension) {
    return loss.map(l -> l.stencil().groupSizeAt(dimension)).orElse(1);
  }

}
