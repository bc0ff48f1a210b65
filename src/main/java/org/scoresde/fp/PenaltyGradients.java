package org.scoresde.fp;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.scoresde.nd4j.JavaArrays;

/** Compares {@link FokkerPlanckPenalty#gradient} with central differences of {@link FokkerPlanckPenalty#value}. */
final class PenaltyGradients {
  /** Relative step of the central differences: the error of O(h^2) and the rounding of O(1e-16 / h) both stay near 1e-10. */
  private static final double RELATIVE_STEP = 1e-5;

  private PenaltyGradients() {}

  /**
   * max_j |g_j - fd_j| / max_j |g_j| over all output entries (double outputs), fd_j the central difference of
   * the value with step RELATIVE_STEP (1 + |o_j|).
   */
  static double maxRelativeError(FokkerPlanckPenalty penalty, INDArray outputs) {
    double[] o = JavaArrays.values(outputs);
    int rows = (int) outputs.size(0);
    int d = (int) outputs.size(1);
    double[] g = JavaArrays.values(penalty.gradient(outputs));
    double scale = 0;
    for (double v : g) {
      scale = Math.max(scale, Math.abs(v));
    }
    double worst = 0;
    for (int j = 0; j < o.length; j++) {
      double h = RELATIVE_STEP * (1 + Math.abs(o[j]));
      double keep = o[j];
      o[j] = keep + h;
      double plus = penalty.value(JavaArrays.matrix(o, rows, d, DataType.DOUBLE));
      o[j] = keep - h;
      double minus = penalty.value(JavaArrays.matrix(o, rows, d, DataType.DOUBLE));
      o[j] = keep;
      worst = Math.max(worst, Math.abs((plus - minus) / (2 * h) - g[j]));
    }
    return scale > 0 ? worst / scale : worst;
  }
}
