package org.scoresde.evaluate;

/**
 * Converts a model's log density into the figures people publish. For 8-bit data dequantized as
 * x = (pixel + u) / 256 and fed to the model as y = a x + b, the discrete likelihood is bounded by
 * -log2 P(pixels) <= -(log p_y(y) + D log a - D log 256) / ln 2, so
 * bits/dim = (-log p_y(y) / D - log a + log 256) / ln 2 (7 + ... for data in [-1, 1], 8 + ... for [0, 1]).
 * For continuous vectors the figure is nats/dim = -log p(x) / D.
 */
public final class BitsPerDim {
  private static final double LN2 = Math.log(2);
  private static final double LOG256 = Math.log(256);

  private BitsPerDim() {}

  /**
   * bits/dim of one dequantized draw with model-space log density {@code logp} (nats), where
   * {@code logJacobian} is log|dy/d(k + u)| per dimension (log(scale / 256) in the notation above).
   */
  public static double ofDequantized(double logp, int dimension, double logJacobian) {
    return (-logp / dimension - logJacobian) / LN2;
  }

  /** bits/dim of 8-bit data mapped by y = scale * (k + u) / 256 + offset. */
  public static double of8Bit(double logp, int dimension, double scale) {
    return ofDequantized(logp, dimension, Math.log(scale) - LOG256);
  }

  /** nats/dim of a continuous example with log density {@code logp}. */
  public static double natsPerDim(double logp, int dimension) {
    return -logp / dimension;
  }
}
