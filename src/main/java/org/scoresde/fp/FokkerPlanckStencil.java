package org.scoresde.fp;

import java.io.Serializable;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.scoresde.nd4j.JavaArrays;
import org.scoresde.score.ScoreModel;
import org.scoresde.sde.Sde;

/**
 * The trainable layout of the score Fokker-Planck residual: for each example (x, t) a group of
 * 3 + 4 K consecutive minibatch rows at which the network is evaluated, so that the projected residual
 * u.R (docs/fp-diffusion.md) is a function of the network's outputs alone and a loss can supply its
 * exact gradient. Rows of group i (u the projection direction, v_a the K probes, delta and e_a the steps):
 * <pre>
 *   0          (x, t)                       the DSM row
 *   1          (x, t + h+)                  2  (x, t - h-)
 *   3 + 4a     (x + delta u + e_a v_a, t)   4 + 4a  (x + delta u - e_a v_a, t)
 *   5 + 4a     (x - delta u + e_a v_a, t)   6 + 4a  (x - delta u - e_a v_a, t)
 * </pre>
 * The labels of the group carry what the penalty needs besides outputs: row 0 the DSM noise eps, row 1
 * x, row 2 u, row 3 + 4a v_a, row 4 + 4a e_a (in every entry), row 5 + 4a delta (every entry), row
 * 6 + 4a zeros. The label mask [rows, 1] carries the DSM weight on row 0 and each other row's own time,
 * so the loss uses the times exactly as the network saw them. Steps are displacements of length
 * (step) sigma_t: delta = directionStep sigma_t / |u|, e_a = probeStep sigma_t / |v_a|.
 */
public final class FokkerPlanckStencil implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Row of the DSM example (x, t). */
  public static final int CENTER = 0;
  /** Row of (x, t + h+). */
  public static final int LATER = 1;
  /** Row of (x, t - h-). */
  public static final int EARLIER = 2;
  /** First row of the probe quadruples. */
  public static final int FIRST_PROBE = 3;
  /**
   * The default |delta u| / sigma_t and |e v| / sigma_t: in float32 the rounding error of the mixed
   * second difference grows like 1/step^2 and the truncation error like step^2; 0.05 balances the two
   * (docs/fp-diffusion.md has the measurements).
   */
  public static final double DEFAULT_STEP = 0.05;

  private final Sde sde;
  private final TimeDifference time;
  private final double directionStep;
  private final double probeStep;
  private final ProbeDistribution directions;
  private final ProbeDistribution probes;
  private final int probeCount;

  /**
   * @param time the finite difference in t (its steps at t are those of {@link TimeDifference#at})
   * @param directionStep |delta u| / sigma_t
   * @param probeStep |e_a v_a| / sigma_t
   * @param directions the distribution of u (RADEMACHER or GAUSSIAN)
   * @param probes the distribution of the probes (BASIS: the D scaled unit vectors, exact traces)
   * @param probeCount K for random probes (ignored for BASIS, where K = D)
   */
  public FokkerPlanckStencil(Sde sde, TimeDifference time, double directionStep, double probeStep,
      ProbeDistribution directions, ProbeDistribution probes, int probeCount) {
    if (sde == null || time == null || directions == null || probes == null) {
      throw new IllegalArgumentException("the stencil needs an SDE, a time difference and probe distributions");
    }
    if (!directions.random()) {
      throw new IllegalArgumentException("the projection direction must be random (rademacher or gaussian), got basis");
    }
    if (!(directionStep > 0 && probeStep > 0) || !Double.isFinite(directionStep) || !Double.isFinite(probeStep)) {
      throw new IllegalArgumentException("stencil steps must be positive and finite, got " + directionStep + ", " + probeStep);
    }
    if (probes.random() && probeCount < 1) {
      throw new IllegalArgumentException("random probes need probeCount >= 1, got " + probeCount);
    }
    this.sde = sde;
    this.time = time;
    this.directionStep = directionStep;
    this.probeStep = probeStep;
    this.directions = directions;
    this.probes = probes;
    this.probeCount = probeCount;
  }

  /**
   * The defaults: the reference's time steps (h- = 1e-3, h+ = 5e-4), steps of 0.05 sigma_t, Rademacher
   * direction and one Rademacher probe.
   */
  public static FokkerPlanckStencil defaults(Sde sde) {
    return new FokkerPlanckStencil(sde, TimeDifference.reference(), DEFAULT_STEP, DEFAULT_STEP,
        ProbeDistribution.RADEMACHER, ProbeDistribution.RADEMACHER, 1);
  }

  /** Rows per example for K probes: 3 + 4 K. */
  public static int groupSize(int probes) {
    return FIRST_PROBE + 4 * probes;
  }

  public Sde sde() {
    return sde;
  }

  /** The probes per example at dimension d (d itself for BASIS). */
  public int probesFor(int d) {
    return probes.random() ? probeCount : d;
  }

  /** Rows per example at dimension d. */
  public int groupSizeAt(int d) {
    return groupSize(probesFor(d));
  }

  /**
   * The stencil rows of examples x [N, D] at times t [N], drawing u and the probes from {@code seed};
   * noise [N, D] (the DSM targets; null for zeros) and weights [N] (null for ones) go into the labels.
   */
  public Batch build(INDArray x, INDArray t, INDArray noise, INDArray weights, long seed) {
    int n = (int) x.size(0);
    int d = (int) x.size(1);
    int k = probesFor(d);
    SplittableRandom rng = new SplittableRandom(seed);
    double[] u = new double[n * d];
    double[] v = new double[n * k * d];
    for (int i = 0; i < n; i++) {
      System.arraycopy(directions.draw(d, 0, rng), 0, u, i * d, d);
      for (int a = 0; a < k; a++) {
        System.arraycopy(probes.draw(d, a, rng), 0, v, (i * k + a) * d, d);
      }
    }
    return build(x, t, noise, weights, u, v);
  }

  /** The stencil rows with given directions u [N * D] and probes v [(N * K) * D] (probe a of example i at row i K + a). */
  public Batch build(INDArray x, INDArray t, INDArray noise, INDArray weights, double[] u, double[] v) {
    if (x.rank() != 2) {
      throw new IllegalArgumentException("expected x of shape [N, D], got " + Arrays.toString(x.shape()));
    }
    int n = (int) x.size(0);
    int d = (int) x.size(1);
    int k = probesFor(d);
    int g = groupSize(k);
    DataType type = x.dataType();
    double[] xv = JavaArrays.values(x);
    double[] tv = JavaArrays.values(t);
    double[] eps = noise == null ? new double[n * d] : JavaArrays.values(noise);
    double[] w = weights == null ? filled(n, 1.0) : JavaArrays.values(weights);
    if (tv.length != n || eps.length != n * d || w.length != n || u.length != n * d || v.length != n * k * d) {
      throw new IllegalArgumentException("stencil inputs disagree: " + n + " x " + d + " points, " + tv.length + " times, "
          + eps.length + " noise entries, " + w.length + " weights, " + u.length + " direction and " + v.length
          + " probe entries (K = " + k + ")");
    }
    int rows = n * g;
    double[] inputs = new double[rows * d];
    double[] times = new double[rows];
    double[] labels = new double[rows * d];
    double[] mask = new double[rows];
    for (int i = 0; i < n; i++) {
      double ti = tv[i];
      double sigma = sde.std(ti);
      TimeDifference.Steps h = time.at(ti);
      double later = Rows.representable(ti + h.forward(), type);
      double earlier = Rows.representable(ti - h.backward(), type);
      double delta = Rows.representable(directionStep * sigma / Rows.norm(u, i * d, d), type);
      int base = i * g;
      int xo = i * d;
      for (int r = 0; r < g; r++) {
        System.arraycopy(xv, xo, inputs, (base + r) * d, d);
        times[base + r] = ti;
        mask[base + r] = ti;
      }
      times[base + LATER] = later;
      times[base + EARLIER] = earlier;
      mask[base + CENTER] = w[i];
      mask[base + LATER] = later;
      mask[base + EARLIER] = earlier;
      System.arraycopy(eps, xo, labels, (base + CENTER) * d, d);
      System.arraycopy(xv, xo, labels, (base + LATER) * d, d);
      System.arraycopy(u, xo, labels, (base + EARLIER) * d, d);
      for (int a = 0; a < k; a++) {
        int vo = (i * k + a) * d;
        double e = Rows.representable(probeStep * sigma / Rows.norm(v, vo, d), type);
        int r0 = base + FIRST_PROBE + 4 * a;
        for (int j = 0; j < d; j++) {
          double du = delta * u[xo + j];
          double dv = e * v[vo + j];
          inputs[r0 * d + j] += du + dv;
          inputs[(r0 + 1) * d + j] += du - dv;
          inputs[(r0 + 2) * d + j] += -du + dv;
          inputs[(r0 + 3) * d + j] += -du - dv;
          labels[r0 * d + j] = v[vo + j];
          labels[(r0 + 1) * d + j] = e;
          labels[(r0 + 2) * d + j] = delta;
        }
      }
    }
    INDArray labelArray = JavaArrays.matrix(labels, rows, d, type);
    INDArray maskArray = JavaArrays.matrix(mask, rows, 1, type);
    return new Batch(JavaArrays.matrix(inputs, rows, d, type), JavaArrays.vector(times, type), labelArray, maskArray,
        decode(labelArray, maskArray));
  }

  /** Reads the groups back from a minibatch's labels [rows, D] and label mask [rows, 1] (or [rows]). */
  public StencilGroups decode(INDArray labels, INDArray mask) {
    if (labels == null || mask == null || labels.rank() != 2) {
      throw new IllegalArgumentException("Fokker-Planck groups need labels [rows, D] and a label mask [rows, 1]");
    }
    int rows = (int) labels.size(0);
    int d = (int) labels.size(1);
    int k = probesFor(d);
    int g = groupSize(k);
    if (rows % g != 0 || mask.length() != rows) {
      throw new IllegalArgumentException("a Fokker-Planck minibatch holds whole groups of " + g + " rows (K = " + k
          + " probes) with one mask entry per row; got " + rows + " rows and a mask of " + mask.length()
          + " entries: make every batch, and the per-worker batch size, a multiple of " + g);
    }
    int n = rows / g;
    double[] l = JavaArrays.values(labels);
    double[] m = JavaArrays.values(mask);
    double[] noise = new double[n * d];
    double[] weights = new double[n];
    double[] x = new double[n * d];
    double[] u = new double[n * d];
    double[] v = new double[n * k * d];
    double[] delta = new double[n];
    double[] e = new double[n * k];
    double[] t = new double[n];
    double[] later = new double[n];
    double[] earlier = new double[n];
    for (int i = 0; i < n; i++) {
      int base = i * g;
      System.arraycopy(l, (base + CENTER) * d, noise, i * d, d);
      System.arraycopy(l, (base + LATER) * d, x, i * d, d);
      System.arraycopy(l, (base + EARLIER) * d, u, i * d, d);
      weights[i] = m[base + CENTER];
      later[i] = m[base + LATER];
      earlier[i] = m[base + EARLIER];
      t[i] = m[base + FIRST_PROBE];
      delta[i] = l[(base + FIRST_PROBE + 2) * d];
      for (int a = 0; a < k; a++) {
        int r0 = base + FIRST_PROBE + 4 * a;
        System.arraycopy(l, r0 * d, v, (i * k + a) * d, d);
        e[i * k + a] = l[(r0 + 1) * d];
      }
      if (!(earlier[i] < t[i] && t[i] < later[i] && delta[i] > 0)) {
        throw new IllegalArgumentException("group " + i + " is not a Fokker-Planck stencil group: times " + earlier[i]
            + ", " + t[i] + ", " + later[i] + ", direction step " + delta[i]);
      }
    }
    return new StencilGroups(n, d, k, noise, weights, x, u, v, delta, e, t, later, earlier);
  }

  /**
   * What a noise-prediction network with the score of {@code model} would output on the batch's rows:
   * eps = -sigma(t_row) s(x_row, t_row), [rows, D] in the inputs' type. Lets exact scores stand in for
   * the network in the penalty and the loss.
   */
  public static INDArray outputsOf(ScoreModel model, Batch batch) {
    double[] times = JavaArrays.values(batch.times());
    double[] s = JavaArrays.values(model.score(batch.inputs(), batch.times()));
    int d = (int) batch.inputs().size(1);
    for (int r = 0; r < times.length; r++) {
      double f = -model.sde().std(times[r]);
      for (int j = 0; j < d; j++) {
        s[r * d + j] *= f;
      }
    }
    return JavaArrays.matrix(s, times.length, d, batch.inputs().dataType());
  }

  private static double[] filled(int n, double value) {
    double[] a = new double[n];
    Arrays.fill(a, value);
    return a;
  }

  /**
   * One minibatch of stencil rows: the network inputs [rows, D] (reshape to [rows, C, H, W] for images),
   * the per-row times [rows] (to be turned into the network's time features), the labels [rows, D] and
   * the label mask [rows, 1] for {@link FokkerPlanckLoss}, and the groups they encode.
   */
  public record Batch(INDArray inputs, INDArray times, INDArray labels, INDArray labelMask, StencilGroups groups) {}
}
