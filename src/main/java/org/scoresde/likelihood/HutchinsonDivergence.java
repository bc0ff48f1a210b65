package org.scoresde.likelihood;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.scoresde.nd4j.JavaArrays;
import org.scoresde.score.ScoreModel;

/**
 * Hutchinson's trace estimator: div_x s ~ (1/K) sum_k v_k^T (ds/dx) v_k with probes of zero mean and
 * identity covariance, unbiased for every Jacobian. The K probes of each row are drawn once per
 * integration and held fixed (as FFJORD and score_sde do), and the K products come from one
 * {@link ScoreModel#scoreAndVjp} call on the rows tiled K times. Rademacher probes (+-1) have the
 * smaller variance, 2 sum_{i != j} J_ij^2 against Gaussian's 2 sum_{ij} J_ij^2 (J symmetric).
 */
public final class HutchinsonDivergence implements DivergenceEstimator {

  /** The probe distribution. */
  public enum Probe {
    /** +-1 with probability 1/2 each. */
    RADEMACHER {
      @Override
      double draw(SplittableRandom rng) {
        return rng.nextBoolean() ? 1.0 : -1.0;
      }
    },
    /** Standard normal. */
    GAUSSIAN {
      @Override
      double draw(SplittableRandom rng) {
        return rng.nextGaussian();
      }
    };

    abstract double draw(SplittableRandom rng);
  }

  private final Probe probe;
  private final int k;

  /** Hutchinson's estimate with k probes per example drawn from {@code probe}. */
  public HutchinsonDivergence(Probe probe, int k) {
    if (probe == null || k < 1) {
      throw new IllegalArgumentException("Hutchinson's estimator needs a probe distribution and k >= 1, got " + probe + ", " + k);
    }
    this.probe = probe;
    this.k = k;
  }

  @Override
  public String name() {
    return probe.name().toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public int probes() {
    return k;
  }

  /**
   * Draws the probes as a [K n, D] array whose row j n + i is probe j of row i, drawn from
   * {@code rowSeeds[i]} alone.
   */
  @Override
  public ScoreDivergence start(ScoreModel model, long[] rowSeeds, DataType type) {
    int d = model.dimension();
    int n = rowSeeds.length;
    double[] v = new double[k * n * d];
    for (int i = 0; i < n; i++) {
      SplittableRandom rng = new SplittableRandom(rowSeeds[i]);
      for (int j = 0; j < k; j++) {
        int offset = (j * n + i) * d;
        for (int m = 0; m < d; m++) {
          v[offset + m] = probe.draw(rng);
        }
      }
    }
    INDArray probes = JavaArrays.create(v, new long[] {(long) k * n, d}, type);
    return (rows, x, t) -> evaluate(model, probes, n, rows, x, t);
  }

  private ScoreDivergence.Result evaluate(ScoreModel model, INDArray probes, int n, int[] rows, INDArray x, INDArray t) {
    int m = rows.length;
    int[] pick = new int[k * m];
    for (int j = 0; j < k; j++) {
      for (int i = 0; i < m; i++) {
        pick[j * m + i] = j * n + rows[i];
      }
    }
    boolean all = m == n && k == 1;
    INDArray v = all ? probes : probes.getRows(pick);
    if (v.dataType() != x.dataType()) {
      v = v.castTo(x.dataType());
    }
    INDArray xs = k == 1 ? x : Nd4j.tile(x, k, 1);
    INDArray ts = k == 1 ? t : Nd4j.tile(t.reshape(1, m), k, 1).reshape(k * m);
    ScoreModel.ScoreAndVjp sv = model.scoreAndVjp(xs, ts, v);
    INDArray quad = sv.vjp().mul(v).sum(1);
    INDArray divergence = k == 1 ? quad : quad.reshape(k, m).mean(0);
    INDArray score = k == 1 ? sv.score() : sv.score().get(NDArrayIndex.interval(0, m), NDArrayIndex.all()).dup();
    return new ScoreDivergence.Result(score, divergence);
  }

  @Override
  public String toString() {
    return "HutchinsonDivergence(" + name() + ", k=" + k + ")";
  }
}
