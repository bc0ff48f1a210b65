package org.scoresde.time;

import java.util.Locale;
import org.scoresde.sde.Sde;

/** Builds a {@link TimeSampler} from the configuration words {@code uniform | importance} and {@code sigma2 | likelihood}. */
public final class TimeSamplers {
  private TimeSamplers() {}

  /**
   * The sampler named {@code sampler} with the loss weighting named {@code weighting} for the given
   * SDE on [eta, T]. Importance sampling is defined only for the likelihood weighting (for sigma2 the
   * proposal r would be uniform anyway).
   */
  public static TimeSampler create(Sde sde, String sampler, String weighting, double eta) {
    LossWeighting lw = LossWeighting.parse(weighting);
    String s = sampler == null ? "" : sampler.trim().toLowerCase(Locale.ROOT);
    switch (s) {
      case "uniform":
        return new UniformTimeSampler(sde, lw, eta);
      case "importance":
        if (lw != LossWeighting.LIKELIHOOD) {
          throw new IllegalArgumentException("time sampler 'importance' needs loss weighting 'likelihood', got '"
              + lw.word() + "': use sampler 'uniform' with sigma2");
        }
        return new ImportanceTimeSampler(sde, eta);
      default:
        throw new IllegalArgumentException("unknown time sampler '" + sampler + "': use uniform or importance");
    }
  }
}
