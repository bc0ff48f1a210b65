package org.scoresde.quality;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * The Frechet (2-Wasserstein) distance between two Gaussians, d^2 = ||mu1 - mu2||^2 +
 * Tr(S1 + S2 - 2 (S1 S2)^{1/2}), the statistic of FID. The cross term is computed with symmetric
 * eigendecompositions only: Tr((S1 S2)^{1/2}) = Tr((S1^{1/2} S2 S1^{1/2})^{1/2}), the latter a
 * symmetric positive semi-definite matrix whose tiny negative eigenvalues (round-off) are clamped
 * to zero, so the result is real and stable even for singular covariances.
 */
public final class FrechetDistance {
  private FrechetDistance() {}

  /** The distance between the Gaussians of two sets of feature moments. */
  public static double between(FeatureMoments a, FeatureMoments b) {
    return of(a.mean(), a.covariance(), b.mean(), b.covariance());
  }

  /** The squared Frechet distance between N(mu1, s1) and N(mu2, s2) (symmetric PSD covariances). */
  public static double of(double[] mu1, double[][] s1, double[] mu2, double[][] s2) {
    int d = mu1.length;
    if (mu2.length != d || s1.length != d || s2.length != d) {
      throw new IllegalArgumentException("means and covariances of different dimensions");
    }
    double mean = new ArrayRealVector(mu1).subtract(new ArrayRealVector(mu2)).getNorm();
    RealMatrix a = symmetric(s1);
    RealMatrix b = symmetric(s2);
    RealMatrix rootA = sqrt(a);
    RealMatrix m = symmetric(rootA.multiply(b).multiply(rootA).getData());
    double cross = 0;
    for (double e : new EigenDecomposition(m).getRealEigenvalues()) {
      cross += Math.sqrt(Math.max(0, e));
    }
    double value = mean * mean + a.getTrace() + b.getTrace() - 2 * cross;
    return Math.max(0, value);
  }

  /** The PSD square root of a symmetric matrix (negative eigenvalues clamped to 0). */
  static RealMatrix sqrt(RealMatrix s) {
    EigenDecomposition e = new EigenDecomposition(s);
    double[] ev = e.getRealEigenvalues();
    RealMatrix v = e.getV();
    int d = ev.length;
    double[][] scaled = new double[d][d];
    for (int j = 0; j < d; j++) {
      double r = Math.sqrt(Math.max(0, ev[j]));
      for (int i = 0; i < d; i++) {
        scaled[i][j] = v.getEntry(i, j) * r;
      }
    }
    return new Array2DRowRealMatrix(scaled, false).multiply(v.transpose());
  }

  private static RealMatrix symmetric(double[][] s) {
    int d = s.length;
    double[][] c = new double[d][d];
    for (int i = 0; i < d; i++) {
      if (s[i].length != d) {
        throw new IllegalArgumentException("covariance is not square");
      }
      for (int j = 0; j < d; j++) {
        c[i][j] = 0.5 * (s[i][j] + s[j][i]);
      }
    }
    return new Array2DRowRealMatrix(c, false);
  }
}
