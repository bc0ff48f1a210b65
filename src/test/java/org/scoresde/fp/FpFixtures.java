package org.scoresde.fp;

import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.scoresde.nd4j.JavaArrays;
import org.scoresde.sde.Sde;

/** Shared test problems: points of a diffused random mixture, and the largest term norms of a residual. */
final class FpFixtures {
  private FpFixtures() {}

  static FokkerPlanckChecks.Problem problem(Sde sde, int d, int n, double tMin, double tMax, Random rng) {
    return FokkerPlanckChecks.Problem.draw(sde, d, n, tMin, tMax, rng);
  }

  /** The largest norm of the four terms of example i. */
  static double termScale(ScoreFokkerPlanckResidual.Result r, int i, int d) {
    double m = 0;
    for (INDArray term : new INDArray[] {r.timeDerivative(), r.driftTerm(), r.divergenceTerm(), r.squaredNormTerm()}) {
      m = Math.max(m, Rows.norm(JavaArrays.values(term.getRow(i)), 0, d));
    }
    return m;
  }

  static double[] values(INDArray a) {
    return JavaArrays.values(a.castTo(DataType.DOUBLE));
  }

  static double max(double[] a) {
    double m = Double.NEGATIVE_INFINITY;
    for (double v : a) {
      m = Math.max(m, v);
    }
    return m;
  }

  static double median(double[] a) {
    double[] b = a.clone();
    java.util.Arrays.sort(b);
    int h = b.length / 2;
    return b.length % 2 == 1 ? b[h] : 0.5 * (b[h - 1] + b[h]);
  }
}
