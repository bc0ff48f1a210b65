package org.scoresde.time;

import java.util.Locale;
import org.scoresde.sde.Sde;

/**
 * The weighting lambda(t) of the denoising score matching loss, written for noise prediction:
 * the per-example loss is lambda(t)/sigma_t^2 * ||eps - eps_theta(x_t, t)||^2, so only the ratio
 * lambda/sigma^2 ever reaches the loss.
 */
public enum LossWeighting {
  /** lambda = sigma_t^2 (the "simple" DDPM loss): every time counts equally, lambda/sigma^2 = 1. */
  SIGMA2("sigma2") {
    @Override
    public double lambda(Sde sde, double t) {
      double s = sde.std(t);
      return s * s;
    }

    @Override
    public double lambdaOverSigma2(Sde sde, double t) {
      return 1.0;
    }
  },

  /**
   * lambda = g(t)^2 (likelihood weighting of Song et al. 2021): the loss then bounds the negative
   * log-likelihood, lambda/sigma^2 = g^2/sigma^2 = -d logSnr/dt.
   */
  LIKELIHOOD("likelihood") {
    @Override
    public double lambda(Sde sde, double t) {
      return sde.diffusionSquared(t);
    }

    @Override
    public double lambdaOverSigma2(Sde sde, double t) {
      double s = sde.std(t);
      return sde.diffusionSquared(t) / (s * s);
    }
  };

  private final String word;

  LossWeighting(String word) {
    this.word = word;
  }

  /** lambda(t) itself. */
  public abstract double lambda(Sde sde, double t);

  /** lambda(t)/sigma_t^2, the factor in front of ||eps - eps_theta||^2. */
  public abstract double lambdaOverSigma2(Sde sde, double t);

  /** The configuration word: {@code sigma2} or {@code likelihood}. */
  public String word() {
    return word;
  }

  /** The weighting named by a configuration word (case-insensitive). */
  public static LossWeighting parse(String word) {
    String w = word == null ? "" : word.trim().toLowerCase(Locale.ROOT);
    for (LossWeighting lw : values()) {
      if (lw.word.equals(w)) {
        return lw;
      }
    }
    throw new IllegalArgumentException("unknown loss weighting '" + word + "': use sigma2 or likelihood");
  }
}
