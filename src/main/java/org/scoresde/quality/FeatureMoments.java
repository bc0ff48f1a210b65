package org.scoresde.quality;

import java.io.Serializable;

/**
 * Running first and second moments of feature vectors (count, sum, sum of outer products), which
 * partitions accumulate independently and the driver merges; the Frechet distance needs only the
 * mean and covariance they give, so features never have to be collected.
 */
public final class FeatureMoments implements Serializable {
  private static final long serialVersionUID = 1L;
  private final int dimension;
  private long count;
  private final double[] sum;
  private final double[][] outer;

  public FeatureMoments(int dimension) {
    if (dimension < 1) {
      throw new IllegalArgumentException("feature dimension must be at least 1, got " + dimension);
    }
    this.dimension = dimension;
    this.sum = new double[dimension];
    this.outer = new double[dimension][dimension];
  }

  /** Moments of the rows of {@code rows} [N][D]. */
  public static FeatureMoments of(double[][] rows) {
    FeatureMoments m = new FeatureMoments(rows[0].length);
    for (double[] r : rows) {
      m.add(r);
    }
    return m;
  }

  /** Adds one feature vector; returns this. */
  public FeatureMoments add(double[] f) {
    if (f.length != dimension) {
      throw new IllegalArgumentException("feature of dimension " + f.length + ", expected " + dimension);
    }
    count++;
    for (int i = 0; i < dimension; i++) {
      sum[i] += f[i];
      double fi = f[i];
      double[] row = outer[i];
      for (int j = i; j < dimension; j++) {
        row[j] += fi * f[j];
      }
    }
    return this;
  }

  /** Adds another set of moments of the same dimension into this one; returns this. */
  public FeatureMoments merge(FeatureMoments o) {
    if (o.dimension != dimension) {
      throw new IllegalArgumentException("cannot merge moments of dimension " + o.dimension + " into " + dimension);
    }
    count += o.count;
    for (int i = 0; i < dimension; i++) {
      sum[i] += o.sum[i];
      for (int j = i; j < dimension; j++) {
        outer[i][j] += o.outer[i][j];
      }
    }
    return this;
  }

  public long count() {
    return count;
  }

  public int dimension() {
    return dimension;
  }

  public double[] mean() {
    double[] m = new double[dimension];
    for (int i = 0; i < dimension; i++) {
      m[i] = sum[i] / count;
    }
    return m;
  }

  /** The unbiased sample covariance (divisor N - 1); needs at least 2 vectors. */
  public double[][] covariance() {
    if (count < 2) {
      throw new IllegalStateException("a covariance needs at least 2 feature vectors, got " + count);
    }
    double[] m = mean();
    double[][] c = new double[dimension][dimension];
    for (int i = 0; i < dimension; i++) {
      for (int j = i; j < dimension; j++) {
        double v = (outer[i][j] - count * m[i] * m[j]) / (count - 1);
        c[i][j] = v;
        c[j][i] = v;
      }
    }
    return c;
  }
}
