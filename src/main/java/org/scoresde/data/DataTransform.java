package org.scoresde.data;

import java.util.Objects;

/**
 * How raw data becomes the network's input space, recorded in every model file so that
 * likelihoods and samples are mapped back the same way. Either uniform dequantization of integer
 * data with {@code levels} levels scaled to [low, high] (x = low + (high - low) (k + u) / levels,
 * u ~ U[0, 1)), or the identity for continuous vectors.
 *
 * @param kind {@value #DEQUANTIZED} or {@value #IDENTITY}
 * @param low the model-space value of the bottom of the integer range (dequantized data)
 * @param high the model-space value of the top of the integer range (dequantized data)
 * @param levels the number of integer levels, e.g. 256 for 8-bit pixels (0 for identity)
 */
public record DataTransform(String kind, double low, double high, int levels) implements java.io.Serializable {
  /** Uniformly dequantized integer data, scaled. */
  public static final String DEQUANTIZED = "uniform-dequantized";
  /** Continuous data used as it is. */
  public static final String IDENTITY = "identity";

  public DataTransform {
    Objects.requireNonNull(kind, "kind");
    if (kind.equals(DEQUANTIZED)) {
      if (!(high > low) || levels < 2) {
        throw new IllegalArgumentException("dequantized data needs high > low and at least 2 levels, got ["
            + low + ", " + high + "], " + levels);
      }
    } else if (!kind.equals(IDENTITY)) {
      throw new IllegalArgumentException("unknown data transform '" + kind + "': use " + DEQUANTIZED + " or " + IDENTITY);
    }
  }

  /** 8-bit pixels, dequantized and scaled to [low, high] (the usual choice is [-1, 1]). */
  public static DataTransform pixels8Bit(double low, double high) {
    return new DataTransform(DEQUANTIZED, low, high, 256);
  }

  /** The transform training uses for a data set: 8-bit pixels in [-1, 1] for images, the identity for vectors. */
  public static DataTransform forData(Manifest m) {
    return m.isImage() ? pixels8Bit(-1.0, 1.0) : identity();
  }

  /** Continuous vectors, unchanged. */
  public static DataTransform identity() {
    return new DataTransform(IDENTITY, 0.0, 0.0, 0);
  }

  public boolean isDequantized() {
    return kind.equals(DEQUANTIZED);
  }

  /** The model-space value of integer level k with dequantization noise u in [0, 1). */
  public double toModel(int k, double u) {
    return isDequantized() ? low + (high - low) * (k + u) / levels : k + u;
  }

  /**
   * log |dx_model / d(k + u)| per dimension: log((high - low) / levels) for dequantized data
   * (added to log p_model to get the density of k + u), 0 for the identity.
   */
  public double logJacobianPerDimension() {
    return isDequantized() ? Math.log((high - low) / levels) : 0.0;
  }

  /**
   * The root mean square of the data in the model's space from the per-channel mean and standard
   * deviation of the raw values (a manifest's), including the dequantization noise (variance 1/12 of a
   * level); empty when the statistics are missing.
   */
  public java.util.OptionalDouble modelRms(java.util.List<Double> rawMean, java.util.List<Double> rawStd) {
    if (rawMean == null || rawStd == null || rawMean.isEmpty() || rawMean.size() != rawStd.size()) {
      return java.util.OptionalDouble.empty();
    }
    double sum = 0;
    for (int c = 0; c < rawMean.size(); c++) {
      double mean = isDequantized() ? low + (high - low) * (rawMean.get(c) + 0.5) / levels : rawMean.get(c);
      double var = isDequantized()
          ? (rawStd.get(c) * rawStd.get(c) + 1.0 / 12) * Math.pow((high - low) / levels, 2)
          : rawStd.get(c) * rawStd.get(c);
      sum += mean * mean + var;
    }
    double rms = Math.sqrt(sum / rawMean.size());
    return rms > 0 && Double.isFinite(rms) ? java.util.OptionalDouble.of(rms) : java.util.OptionalDouble.empty();
  }
}
