package org.scoresde.sampling;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Spherical linear interpolation (slerp) between latents: Gaussian latents of dimension D
 * concentrate near a sphere, so interpolating along the great circle keeps the norm typical where
 * a straight line would pass through atypically small norms. Used to interpolate between encoded
 * images.
 */
public final class Interpolation {
  private Interpolation() {}

  /**
   * Row-wise slerp of a and b [N, D] at fraction alpha (0 gives a, 1 gives b): with theta the angle
   * between the rows, (sin((1 - alpha) theta) a + sin(alpha theta) b) / sin(theta); rows that
   * are (anti)parallel within 1e-6 rad fall back to linear interpolation.
   */
  public static INDArray slerp(INDArray a, INDArray b, double alpha) {
    if (!java.util.Arrays.equals(a.shape(), b.shape()) || a.rank() != 2) {
      throw new IllegalArgumentException("slerp needs two [N, D] arrays of one shape, got "
          + java.util.Arrays.toString(a.shape()) + " and " + java.util.Arrays.toString(b.shape()));
    }
    long n = a.size(0);
    INDArray ca = Nd4j.createUninitialized(a.dataType(), n);
    INDArray cb = Nd4j.createUninitialized(a.dataType(), n);
    INDArray dot = a.mul(b).sum(1);
    INDArray na = a.norm2(1);
    INDArray nb = b.norm2(1);
    for (long i = 0; i < n; i++) {
      double cos = dot.getDouble(i) / (na.getDouble(i) * nb.getDouble(i));
      double theta = Math.acos(Math.max(-1.0, Math.min(1.0, cos)));
      double sin = Math.sin(theta);
      if (sin < 1e-6) {
        ca.putScalar(i, 1.0 - alpha);
        cb.putScalar(i, alpha);
      } else {
        ca.putScalar(i, Math.sin((1.0 - alpha) * theta) / sin);
        cb.putScalar(i, Math.sin(alpha * theta) / sin);
      }
    }
    return a.mulColumnVector(ca.reshape(n, 1)).addi(b.mulColumnVector(cb.reshape(n, 1)));
  }

  /** The slerp path between two latents a and b [1, D] (or [D]) at {@code points} >= 2 evenly spaced fractions; [points, D]. */
  public static INDArray path(INDArray a, INDArray b, int points) {
    if (points < 2) {
      throw new IllegalArgumentException("an interpolation path needs at least 2 points, got " + points);
    }
    INDArray ra = a.reshape(1, a.length());
    INDArray rb = b.reshape(1, b.length());
    INDArray out = Nd4j.createUninitialized(a.dataType(), points, a.length());
    for (int i = 0; i < points; i++) {
      out.putRow(i, slerp(ra, rb, (double) i / (points - 1)));
    }
    return out;
  }
}
