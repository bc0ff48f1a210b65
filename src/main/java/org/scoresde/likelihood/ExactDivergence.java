package org.scoresde.likelihood;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.scoresde.nd4j.JavaArrays;
import org.scoresde.score.ScoreModel;

/**
 * The exact divergence div_x s = sum_j e_j^T (ds/dx) e_j from D vector-Jacobian products with the
 * unit vectors. The n rows are tiled once per unit vector into one batch, [c n, D] for a chunk of c
 * unit vectors, so that a call to the model never exceeds {@code maxRows} rows; the score comes from
 * the same first call. Costs D products per row: meant for small D (exact tests, 2-D data).
 */
public final class ExactDivergence implements DivergenceEstimator {
  /** The default bound on the rows of one call to the model. */
  public static final int DEFAULT_MAX_ROWS = 4096;

  private final int maxRows;

  /** An exact trace whose calls to the model carry at most {@code maxRows} rows (at least one unit vector). */
  public ExactDivergence(int maxRows) {
    if (maxRows < 1) {
      throw new IllegalArgumentException("maxRows must be at least 1, got " + maxRows);
    }
    this.maxRows = maxRows;
  }

  @Override
  public String name() {
    return "exact";
  }

  @Override
  public int probes() {
    return 0;
  }

  @Override
  public ScoreDivergence start(ScoreModel model, long[] rowSeeds, DataType type) {
    return (rows, x, t) -> evaluate(model, x, t);
  }

  private ScoreDivergence.Result evaluate(ScoreModel model, INDArray x, INDArray t) {
    int n = (int) x.size(0);
    int d = (int) x.size(1);
    int chunk = Math.max(1, Math.min(d, maxRows / Math.max(1, n)));
    INDArray score = null;
    double[] divergence = new double[n];
    for (int first = 0; first < d; first += chunk) {
      int c = Math.min(chunk, d - first);
      INDArray xs = c == 1 ? x : Nd4j.tile(x, c, 1);
      INDArray ts = c == 1 ? t : Nd4j.tile(t.reshape(1, n), c, 1).reshape(c * n);
      INDArray units = units(n, d, first, c, x.dataType());
      INDArray vjp;
      if (score == null) {
        ScoreModel.ScoreAndVjp sv = model.scoreAndVjp(xs, ts, units);
        score = c == 1 ? sv.score() : sv.score().get(NDArrayIndex.interval(0, n), NDArrayIndex.all()).dup();
        vjp = sv.vjp();
      } else {
        vjp = model.vjp(xs, ts, units);
      }
      double[] products = JavaArrays.values(vjp);
      for (int j = 0; j < c; j++) {
        for (int i = 0; i < n; i++) {
          divergence[i] += products[(j * n + i) * d + first + j];
        }
      }
    }
    return new ScoreDivergence.Result(score, JavaArrays.create(divergence, new long[] {n}, x.dataType()));
  }

  /** Rows j n .. (j + 1) n - 1 hold the unit vector e_{first + j}. */
  private static INDArray units(int n, int d, int first, int c, DataType type) {
    double[] u = new double[c * n * d];
    for (int j = 0; j < c; j++) {
      for (int i = 0; i < n; i++) {
        u[(j * n + i) * d + first + j] = 1.0;
      }
    }
    return JavaArrays.create(u, new long[] {(long) c * n, d}, type);
  }

  @Override
  public String toString() {
    return "ExactDivergence(maxRows=" + maxRows + ")";
  }
}
