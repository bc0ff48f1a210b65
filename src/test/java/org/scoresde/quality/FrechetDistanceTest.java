package org.scoresde.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;

/** The Frechet distance against closed forms (diagonal, commuting and 2x2 covariances) and its invariances. */
class FrechetDistanceTest {
  private final Random rng = new Random(7);

  @Test
  void diagonalCovariancesGiveTheSumOfSquaredRootDifferences() {
    double[] a = {1.0, 4.0, 0.25};
    double[] b = {9.0, 1.0, 0.25};
    double[] mu1 = {0.0, 1.0, 2.0};
    double[] mu2 = {1.0, -1.0, 2.0};
    // |mu1 - mu2|^2 = 1 + 4 = 5; sum (sqrt a - sqrt b)^2 = 4 + 1 + 0 = 5
    assertEquals(10.0, FrechetDistance.of(mu1, diag(a), mu2, diag(b)), 1e-12);
  }

  @Test
  void commutingCovariancesInARandomBasisGiveTheSameClosedForm() {
    int d = 12;
    RealMatrix q = rotation(d);
    double[] a = new double[d];
    double[] b = new double[d];
    double expected = 0;
    for (int i = 0; i < d; i++) {
      a[i] = 0.1 + 3 * rng.nextDouble();
      b[i] = 0.1 + 3 * rng.nextDouble();
      expected += Math.pow(Math.sqrt(a[i]) - Math.sqrt(b[i]), 2);
    }
    double[] zero = new double[d];
    assertEquals(expected, FrechetDistance.of(zero, rotate(q, a), zero, rotate(q, b)), 1e-9);
  }

  @Test
  void nonCommutingTwoByTwoMatchesTheTraceOfTheMatrixSquareRoot() {
    // for 2x2 M with non-negative eigenvalues, Tr(sqrt(M)) = sqrt(Tr M + 2 sqrt(det M)); M = S1 S2
    double[][] s1 = {{2.0, 0.7}, {0.7, 1.0}};
    double[][] s2 = {{0.5, -0.2}, {-0.2, 3.0}};
    RealMatrix m = new Array2DRowRealMatrix(s1).multiply(new Array2DRowRealMatrix(s2));
    double det = m.getEntry(0, 0) * m.getEntry(1, 1) - m.getEntry(0, 1) * m.getEntry(1, 0);
    double cross = Math.sqrt(m.getTrace() + 2 * Math.sqrt(det));
    double expected = 3.0 + 3.5 - 2 * cross;
    assertEquals(expected, FrechetDistance.of(new double[2], s1, new double[2], s2), 1e-12);
  }

  @Test
  void isZeroForIdenticalGaussiansSymmetricAndInvariantUnderRotationAndShift() {
    int d = 8;
    double[][] s1 = randomCovariance(d);
    double[][] s2 = randomCovariance(d);
    double[] mu1 = randomVector(d);
    double[] mu2 = randomVector(d);
    assertEquals(0.0, FrechetDistance.of(mu1, s1, mu1, s1), 1e-9);
    double fd = FrechetDistance.of(mu1, s1, mu2, s2);
    assertTrue(fd > 0);
    assertEquals(fd, FrechetDistance.of(mu2, s2, mu1, s1), 1e-9);
    RealMatrix q = rotation(d);
    double[] shift = randomVector(d);
    double moved = FrechetDistance.of(transform(q, mu1, shift), congruence(q, s1), transform(q, mu2, shift), congruence(q, s2));
    assertEquals(fd, moved, 1e-9);
  }

  @Test
  void singularCovariancesStayFiniteAndExact() {
    double[][] zero = new double[3][3];
    double[][] s = randomCovariance(3);
    double[] mu = {1, 2, 2};
    // against a point mass, the distance is |mu|^2 + Tr S
    assertEquals(9.0 + new Array2DRowRealMatrix(s).getTrace(), FrechetDistance.of(new double[3], zero, mu, s), 1e-12);
    double[][] rank1 = {{1, 1, 0}, {1, 1, 0}, {0, 0, 0}};
    assertEquals(0.0, FrechetDistance.of(mu, rank1, mu, rank1), 1e-7);
  }

  @Test
  void momentsMergeAndMatchTheDirectCovariance() {
    double[][] rows = new double[200][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = new double[] {rng.nextGaussian(), 2 + 3 * rng.nextGaussian(), rng.nextDouble()};
    }
    FeatureMoments all = FeatureMoments.of(rows);
    FeatureMoments parts = FeatureMoments.of(java.util.Arrays.copyOfRange(rows, 0, 70))
        .merge(FeatureMoments.of(java.util.Arrays.copyOfRange(rows, 70, 200)));
    assertEquals(200, parts.count());
    double[][] c = new org.apache.commons.math3.stat.correlation.Covariance(rows).getCovarianceMatrix().getData();
    for (int i = 0; i < 3; i++) {
      assertEquals(all.mean()[i], parts.mean()[i], 1e-12);
      for (int j = 0; j < 3; j++) {
        assertEquals(c[i][j], all.covariance()[i][j], 1e-10);
        assertEquals(c[i][j], parts.covariance()[i][j], 1e-10);
      }
    }
    assertEquals(0.0, FrechetDistance.between(all, parts), 1e-9);
    assertThrows(IllegalArgumentException.class, () -> all.merge(new FeatureMoments(2)));
  }

  private static double[][] diag(double[] v) {
    return MatrixUtils.createRealDiagonalMatrix(v).getData();
  }

  private RealMatrix rotation(int d) {
    double[][] g = new double[d][d];
    for (double[] row : g) {
      for (int j = 0; j < d; j++) {
        row[j] = rng.nextGaussian();
      }
    }
    return new QRDecomposition(new Array2DRowRealMatrix(g)).getQ();
  }

  private static double[][] rotate(RealMatrix q, double[] eig) {
    return q.multiply(MatrixUtils.createRealDiagonalMatrix(eig)).multiply(q.transpose()).getData();
  }

  private static double[][] congruence(RealMatrix q, double[][] s) {
    return q.multiply(new Array2DRowRealMatrix(s)).multiply(q.transpose()).getData();
  }

  private static double[] transform(RealMatrix q, double[] mu, double[] shift) {
    double[] r = q.operate(mu);
    for (int i = 0; i < r.length; i++) {
      r[i] += shift[i];
    }
    return r;
  }

  private double[][] randomCovariance(int d) {
    double[][] g = new double[d][d];
    for (double[] row : g) {
      for (int j = 0; j < d; j++) {
        row[j] = rng.nextGaussian();
      }
    }
    RealMatrix a = new Array2DRowRealMatrix(g);
    return a.multiply(a.transpose()).scalarMultiply(1.0 / d).getData();
  }

  private double[] randomVector(int d) {
    double[] v = new double[d];
    for (int i = 0; i < d; i++) {
      v[i] = rng.nextGaussian();
    }
    return v;
  }
}
