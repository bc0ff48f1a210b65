package org.scoresde.fp;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.scoresde.nd4j.JavaArrays;
import org.scoresde.score.ScoreModel;
import org.scoresde.sde.Sde;

/**
 * The residual of the score Fokker-Planck equation of a {@link ScoreModel} under its own SDE
 * dx = a(t) x dt + g(t) dW (docs/fp-diffusion.md):
 * <pre>
 *   R(x, t) = d_t s - grad_x[ -a x.s + (g^2/2) (div s + |s|^2) ]
 *           = d_t s + a (s + J^T x) - (g^2/2) grad_x div s - g^2 J^T s,      J = ds/dx,
 * </pre>
 * zero for the exact score of any diffused density, under VP, sub-VP and VE alike. d_t s comes from
 * the three-point {@link TimeDifference}; J^T x and J^T s are vector-Jacobian products; and
 * grad_x div s, which needs third derivatives, from the identity grad_x (v^T J v) = d/de J^T(x + e v) v
 * (derivatives commute), so E_v grad(v^T J v) = grad div s is a central difference of two
 * vector-Jacobian products per probe: exact with the D basis probes, Hutchinson's estimate with random
 * ones. It evaluates any ScoreModel (an exact mixture score, a trained network) without training it;
 * the trainable form is {@link FokkerPlanckStencil} with {@link FokkerPlanckPenalty}. Meant for double
 * precision (the finite differences lose accuracy in float).
 */
public final class ScoreFokkerPlanckResidual {
  /** The default probe displacement |e v| as a fraction of sigma_t. */
  public static final double DEFAULT_PROBE_STEP = 1e-3;
  private static final int MAX_ROWS = 4096;

  private final ScoreModel model;
  private final TimeDifference time;
  private final ProbeDistribution probes;
  private final int probeCount;
  private final double probeStep;

  /**
   * @param time the finite difference for d_t s
   * @param probes the probes for grad div s (BASIS: the exact trace, D probes)
   * @param probeCount probes per example for the random kinds (ignored for BASIS)
   * @param probeStep the displacement |e v| along each probe as a fraction of sigma_t
   */
  public ScoreFokkerPlanckResidual(ScoreModel model, TimeDifference time, ProbeDistribution probes, int probeCount,
      double probeStep) {
    if (model == null || time == null || probes == null) {
      throw new IllegalArgumentException("the Fokker-Planck residual needs a score model, a time difference and a probe kind");
    }
    if (probes.random() && probeCount < 1) {
      throw new IllegalArgumentException("random probes need probeCount >= 1, got " + probeCount);
    }
    if (!(probeStep > 0) || !Double.isFinite(probeStep)) {
      throw new IllegalArgumentException("probeStep must be positive and finite, got " + probeStep);
    }
    this.model = model;
    this.time = time;
    this.probes = probes;
    this.probeCount = probeCount;
    this.probeStep = probeStep;
  }

  /** The residual with exact traces (D basis probes) and the given time difference: for small D. */
  public static ScoreFokkerPlanckResidual exactTrace(ScoreModel model, TimeDifference time, double probeStep) {
    return new ScoreFokkerPlanckResidual(model, time, ProbeDistribution.BASIS, 0, probeStep);
  }

  /**
   * The residual and its parts for every row of x [N, D] at its time t [N]; random probes are drawn
   * from {@code seed}.
   */
  public Result evaluate(INDArray x, INDArray t, long seed) {
    if (x.rank() != 2 || x.size(1) != model.dimension()) {
      throw new IllegalArgumentException("expected x of shape [N, " + model.dimension() + "], got "
          + java.util.Arrays.toString(x.shape()));
    }
    int n = (int) x.size(0);
    int d = (int) x.size(1);
    DataType type = x.dataType();
    Sde sde = model.sde();
    double[] tv = JavaArrays.values(t);
    if (tv.length != n) {
      throw new IllegalArgumentException("expected " + n + " times, got " + tv.length);
    }
    double[] xv = JavaArrays.values(x);

    double[] shifted = new double[2 * n];
    double[] cLater = new double[n];
    double[] cCenter = new double[n];
    double[] cEarlier = new double[n];
    for (int i = 0; i < n; i++) {
      TimeDifference.Steps h = time.at(tv[i]);
      double later = Rows.representable(tv[i] + h.forward(), type);
      double earlier = Rows.representable(tv[i] - h.backward(), type);
      TimeDifference.Steps used = TimeDifference.Steps.of(earlier, tv[i], later);
      shifted[i] = later;
      shifted[n + i] = earlier;
      cLater[i] = used.later();
      cCenter[i] = used.center();
      cEarlier[i] = used.earlier();
    }
    double[] sShift = JavaArrays.values(model.score(Nd4j.vstack(x, x), JavaArrays.vector(shifted, type)));
    ScoreModel.ScoreAndVjp center = model.scoreAndVjp(x, t, x);
    double[] s = JavaArrays.values(center.score());
    double[] jx = JavaArrays.values(center.vjp());
    double[] js = JavaArrays.values(model.vjp(x, t, center.score()));
    double[] gradDiv = gradientOfDivergence(x, xv, tv, n, d, type, seed);

    double[] dts = new double[n * d];
    double[] drift = new double[n * d];
    double[] div = new double[n * d];
    double[] sq = new double[n * d];
    double[] res = new double[n * d];
    double[] penalty = new double[n];
    double[] relative = new double[n];
    for (int i = 0; i < n; i++) {
      double a = sde.driftCoefficient(tv[i]);
      double g2 = sde.diffusionSquared(tv[i]);
      int o = i * d;
      for (int j = 0; j < d; j++) {
        int p = o + j;
        dts[p] = cLater[i] * sShift[p] + cCenter[i] * s[p] + cEarlier[i] * sShift[n * d + p];
        drift[p] = -a * (s[p] + jx[p]);
        div[p] = 0.5 * g2 * gradDiv[p];
        sq[p] = g2 * js[p];
        res[p] = dts[p] - drift[p] - div[p] - sq[p];
      }
      double r = Rows.norm(res, o, d);
      penalty[i] = g2 * r * r / ((double) d * d);
      double scale = Math.max(Math.max(Rows.norm(dts, o, d), Rows.norm(drift, o, d)),
          Math.max(Rows.norm(div, o, d), Rows.norm(sq, o, d)));
      relative[i] = scale > 0 ? r / scale : r;
    }
    return new Result(JavaArrays.matrix(res, n, d, type), JavaArrays.matrix(dts, n, d, type), JavaArrays.matrix(drift, n, d, type),
        JavaArrays.matrix(div, n, d, type), JavaArrays.matrix(sq, n, d, type), JavaArrays.vector(penalty, type), JavaArrays.vector(relative, type));
  }

  /** (1/K) sum_k (J^T(x + e v_k) v_k - J^T(x - e v_k) v_k) / 2e per row, e = probeStep sigma_t / |v_k|. */
  private double[] gradientOfDivergence(INDArray x, double[] xv, double[] tv, int n, int d, DataType type, long seed) {
    int k = probes.random() ? probeCount : d;
    SplittableRandom rng = new SplittableRandom(seed);
    double[][] v = new double[k * n][];
    double[] step = new double[k * n];
    for (int i = 0; i < n; i++) {
      double sigma = model.sde().std(tv[i]);
      for (int a = 0; a < k; a++) {
        double[] probe = probes.draw(d, a, rng);
        v[a * n + i] = probe;
        step[a * n + i] = probeStep * sigma / Rows.norm(probe, 0, d);
      }
    }
    double[] out = new double[n * d];
    int chunk = Math.max(1, Math.min(k, MAX_ROWS / Math.max(1, 2 * n)));
    for (int first = 0; first < k; first += chunk) {
      int c = Math.min(chunk, k - first);
      int rows = c * n;
      double[] points = new double[2 * rows * d];
      double[] dirs = new double[2 * rows * d];
      double[] times = new double[2 * rows];
      for (int r = 0; r < rows; r++) {
        int q = first * n + r;
        int i = r % n;
        double e = step[q];
        for (int j = 0; j < d; j++) {
          double vj = v[q][j];
          points[r * d + j] = xv[i * d + j] + e * vj;
          points[(rows + r) * d + j] = xv[i * d + j] - e * vj;
          dirs[r * d + j] = vj;
          dirs[(rows + r) * d + j] = vj;
        }
        times[r] = tv[i];
        times[rows + r] = tv[i];
      }
      double[] w = JavaArrays.values(model.vjp(JavaArrays.matrix(points, 2 * rows, d, type), JavaArrays.vector(times, type),
          JavaArrays.matrix(dirs, 2 * rows, d, type)));
      for (int r = 0; r < rows; r++) {
        int q = first * n + r;
        int i = r % n;
        double scale = 1.0 / (2 * step[q] * k);
        for (int j = 0; j < d; j++) {
          out[i * d + j] += (w[r * d + j] - w[(rows + r) * d + j]) * scale;
        }
      }
    }
    return out;
  }

  /**
   * The residual R [N, D] = timeDerivative - driftTerm - divergenceTerm - squaredNormTerm, where
   * driftTerm = -a (s + J^T x), divergenceTerm = (g^2/2) grad div s, squaredNormTerm = g^2 J^T s
   * (each [N, D]); penalty [N] = g^2 |R|^2 / D^2; relativeResidual [N] = |R| / (the largest norm of
   * the four terms), the size of R against the terms that cancel in it.
   */
  public record Result(INDArray residual, INDArray timeDerivative, INDArray driftTerm, INDArray divergenceTerm,
      INDArray squaredNormTerm, INDArray penalty, INDArray relativeResidual) {}
}
