package org.scoresde.fp;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.scoresde.nd4j.JavaArrays;
import org.scoresde.sde.Sde;

/**
 * The FP-Diffusion penalty of one minibatch of {@link FokkerPlanckStencil} groups as a function of the
 * network's outputs eps_theta [rows, D] alone, with its exact gradient with respect to those outputs, so
 * that a loss function can train it. With s_j = -eps_theta_j / sigma(t_j) on each row, the projected
 * residual of example i and probe a is (docs/fp-diffusion.md)
 * <pre>
 *   r_a = u.D_t s + a u.s0 + (a x - g^2 s0).Ju - (g^2/2) v_a.M_a,
 *   D_t s = c+ s(t+h+) + c0 s0 + c- s(t-h-),
 *   Ju = mean_a (s++ + s+- - s-+ - s--) / (4 delta),   M_a = (s++ - s+- - s-+ + s--) / (4 delta e_a),
 * </pre>
 * a finite-difference estimate of u.R. Per example p_i = g(t)^2 E_i / D^2 with E_i = rbar^2 (rbar the mean
 * over probes; biased upwards by the Hutchinson variance for random probes, exact for BASIS probes) or,
 * {@code unbiased}, the U-statistic sum_{a != b} r_a r_b / (K (K - 1)), whose expectation over the probes
 * is (u.R)^2 exactly. value = alpha mean_i p_i + scalarWeight |B|_2, with B_i the paper's scalar term
 * -a x.s + (g^2/2)(div s + |s|^2) and |.|_2 its Euclidean norm over the minibatch, as in the reference.
 */
public final class FokkerPlanckPenalty {
  private final Sde sde;
  private final StencilGroups groups;
  private final double alpha;
  private final double scalarWeight;
  private final boolean unbiased;
  private final double minTime;

  /**
   * @param alpha the weight of the mean vector penalty
   * @param scalarWeight the weight of the scalar term (0 = off)
   * @param unbiased the U-statistic over probes (random probes, K >= 2) instead of the square of the mean
   */
  public FokkerPlanckPenalty(Sde sde, StencilGroups groups, double alpha, double scalarWeight, boolean unbiased) {
    this(sde, groups, alpha, scalarWeight, unbiased, 0.0);
  }

  /**
   * @param minTime examples with t below it carry no penalty (their p_i is 0 and has no gradient): in
   *     float32 the stencil is inaccurate and the residual's terms grow like sigma_t^-3 as t goes to 0
   */
  public FokkerPlanckPenalty(Sde sde, StencilGroups groups, double alpha, double scalarWeight, boolean unbiased,
      double minTime) {
    if (sde == null || groups == null) {
      throw new IllegalArgumentException("the Fokker-Planck penalty needs an SDE and stencil groups");
    }
    if (unbiased && groups.probes() < 2) {
      throw new IllegalArgumentException("the unbiased penalty needs at least 2 probes per example, got " + groups.probes());
    }
    this.sde = sde;
    this.groups = groups;
    this.alpha = alpha;
    this.scalarWeight = scalarWeight;
    this.unbiased = unbiased;
    this.minTime = minTime;
  }

  /** alpha mean_i p_i + scalarWeight |B|_2 for network outputs [rows, D]. */
  public double value(INDArray outputs) {
    Pass p = run(outputs, null);
    double mean = 0;
    for (double v : p.penalty) {
      mean += v;
    }
    mean /= groups.n();
    return alpha * mean + (scalarWeight == 0 ? 0 : scalarWeight * norm(p.scalar));
  }

  /** p_i = g(t_i)^2 E_i / D^2 for every example, without alpha. */
  public double[] perExample(INDArray outputs) {
    return run(outputs, null).penalty;
  }

  /** The projected residual rbar_i (the mean over probes) for every example. */
  public double[] projectedResidual(INDArray outputs) {
    return run(outputs, null).residual;
  }

  /** The scalar term B_i = -a x.s + (g^2/2)(div s + |s|^2) for every example. */
  public double[] scalarTerm(INDArray outputs) {
    return run(outputs, null).scalar;
  }

  /** d value / d outputs, [rows, D] in the outputs' data type. */
  public INDArray gradient(INDArray outputs) {
    double[] grad = new double[groups.rows() * groups.d()];
    run(outputs, grad);
    return JavaArrays.matrix(grad, groups.rows(), groups.d(), outputs.dataType());
  }

  private record Pass(double[] penalty, double[] residual, double[] scalar) {}

  /** One pass over the examples; with grad != null a second pass adds d value / d outputs into it. */
  private Pass run(INDArray outputs, double[] grad) {
    int n = groups.n();
    int d = groups.d();
    if (outputs.rank() != 2 || outputs.size(0) != groups.rows() || outputs.size(1) != d) {
      throw new IllegalArgumentException("expected outputs [" + groups.rows() + ", " + d + "], got "
          + java.util.Arrays.toString(outputs.shape()));
    }
    double[] o = JavaArrays.values(outputs);
    double[] penalty = new double[n];
    double[] residual = new double[n];
    double[] scalar = new double[n];
    Example ex = new Example(d, groups.probes());
    for (int i = 0; i < n; i++) {
      ex.evaluate(i, o);
      penalty[i] = groups.time()[i] >= minTime ? ex.penalty : 0.0;
      residual[i] = ex.mean;
      scalar[i] = ex.scalar;
    }
    if (grad != null) {
      double scalarNorm = norm(scalar);
      for (int i = 0; i < n; i++) {
        ex.evaluate(i, o);
        double scalarCoefficient = scalarWeight != 0 && scalarNorm > 0 ? scalarWeight * scalar[i] / scalarNorm : 0;
        ex.addGradient(groups.time()[i] >= minTime ? alpha / n : 0.0, scalarCoefficient, grad);
      }
    }
    return new Pass(penalty, residual, scalar);
  }

  private static double norm(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }

  /** The scores of one group and everything its residual and gradient need; reused across examples. */
  private final class Example {
    private final int d;
    private final int k;
    private final int g;
    private final double[][] s;
    private final double[] sigma;
    private final double[] dts;
    private final double[] ju;
    /** v_a.M_a per probe. */
    private final double[] mixed;
    /** r_a per probe. */
    private final double[] perProbe;
    private int i;
    private double a;
    private double g2;
    private double cLater;
    private double cCenter;
    private double cEarlier;
    private double mean;
    private double penalty;
    private double scalar;

    Example(int d, int k) {
      this.d = d;
      this.k = k;
      this.g = FokkerPlanckStencil.groupSize(k);
      this.s = new double[g][d];
      this.sigma = new double[g];
      this.dts = new double[d];
      this.ju = new double[d];
      this.mixed = new double[k];
      this.perProbe = new double[k];
    }

    void evaluate(int example, double[] o) {
      i = example;
      double t = groups.time()[i];
      double sigma0 = sde.std(t);
      java.util.Arrays.fill(sigma, sigma0);
      sigma[FokkerPlanckStencil.LATER] = sde.std(groups.later()[i]);
      sigma[FokkerPlanckStencil.EARLIER] = sde.std(groups.earlier()[i]);
      int base = i * g;
      for (int r = 0; r < g; r++) {
        double f = -1.0 / sigma[r];
        int off = (base + r) * d;
        for (int j = 0; j < d; j++) {
          s[r][j] = f * o[off + j];
        }
      }
      a = sde.driftCoefficient(t);
      g2 = sde.diffusionSquared(t);
      TimeDifference.Steps steps = TimeDifference.Steps.of(groups.earlier()[i], t, groups.later()[i]);
      cLater = steps.later();
      cCenter = steps.center();
      cEarlier = steps.earlier();
      double delta = groups.directionStep()[i];
      double[] s0 = s[FokkerPlanckStencil.CENTER];
      double[] sl = s[FokkerPlanckStencil.LATER];
      double[] se = s[FokkerPlanckStencil.EARLIER];
      java.util.Arrays.fill(ju, 0);
      for (int j = 0; j < d; j++) {
        dts[j] = cLater * sl[j] + cCenter * s0[j] + cEarlier * se[j];
      }
      double divergence = 0;
      double hMean = 0;
      for (int q = 0; q < k; q++) {
        int r0 = FokkerPlanckStencil.FIRST_PROBE + 4 * q;
        double[] pp = s[r0];
        double[] pm = s[r0 + 1];
        double[] mp = s[r0 + 2];
        double[] mm = s[r0 + 3];
        int vo = (i * k + q) * groups.d();
        double e = groups.probeStep()[i * k + q];
        double vm = 0;
        double vd = 0;
        double[] v = groups.probe();
        for (int j = 0; j < d; j++) {
          ju[j] += (pp[j] + pm[j] - mp[j] - mm[j]) / (4 * delta * k);
          vm += v[vo + j] * (pp[j] - pm[j] - mp[j] + mm[j]);
          vd += v[vo + j] * (pp[j] - pm[j] + mp[j] - mm[j]);
        }
        mixed[q] = vm / (4 * delta * e);
        hMean += mixed[q] / k;
        divergence += vd / (4 * e * k);
      }
      double[] u = groups.direction();
      double[] x = groups.x();
      int xo = i * d;
      double common = 0;
      double xs = 0;
      double ss = 0;
      for (int j = 0; j < d; j++) {
        common += u[xo + j] * (dts[j] + a * s0[j]) + (a * x[xo + j] - g2 * s0[j]) * ju[j];
        xs += x[xo + j] * s0[j];
        ss += s0[j] * s0[j];
      }
      mean = common - 0.5 * g2 * hMean;
      double sumSq = 0;
      for (int q = 0; q < k; q++) {
        perProbe[q] = common - 0.5 * g2 * mixed[q];
        sumSq += perProbe[q] * perProbe[q];
      }
      double estimate = unbiased ? ((double) k * k * mean * mean - sumSq) / ((double) k * (k - 1)) : mean * mean;
      penalty = g2 * estimate / ((double) d * d);
      scalar = -a * xs + 0.5 * g2 * (divergence + ss);
    }

    /** Adds d(weight p_i + scalarCoefficient B_i)/d outputs of this group into grad, after {@link #evaluate}. */
    void addGradient(double weight, double scalarCoefficient, double[] grad) {
      double coefficient = weight * g2 / ((double) d * d);
      double common = 2 * mean * coefficient;
      double[][] ds = new double[g][d];
      double delta = groups.directionStep()[i];
      double[] u = groups.direction();
      double[] x = groups.x();
      double[] v = groups.probe();
      double[] s0 = s[FokkerPlanckStencil.CENTER];
      int xo = i * d;
      for (int j = 0; j < d; j++) {
        ds[FokkerPlanckStencil.CENTER][j] += common * ((cCenter + a) * u[xo + j] - g2 * ju[j])
            + scalarCoefficient * (-a * x[xo + j] + g2 * s0[j]);
        ds[FokkerPlanckStencil.LATER][j] += common * cLater * u[xo + j];
        ds[FokkerPlanckStencil.EARLIER][j] += common * cEarlier * u[xo + j];
      }
      for (int q = 0; q < k; q++) {
        int r0 = FokkerPlanckStencil.FIRST_PROBE + 4 * q;
        int vo = (i * k + q) * d;
        double e = groups.probeStep()[i * k + q];
        double partner = unbiased ? (k * mean - perProbe[q]) / (k - 1) : mean;
        double mixedCoefficient = 2 * partner * coefficient * (-0.5 * g2 / k) / (4 * delta * e);
        double divCoefficient = scalarCoefficient * 0.5 * g2 / (4 * e * k);
        for (int j = 0; j < d; j++) {
          double w = common * (a * x[xo + j] - g2 * s0[j]) / (4 * delta * k);
          double m = mixedCoefficient * v[vo + j];
          double c = divCoefficient * v[vo + j];
          ds[r0][j] += w + m + c;
          ds[r0 + 1][j] += w - m - c;
          ds[r0 + 2][j] += -w - m + c;
          ds[r0 + 3][j] += -w + m - c;
        }
      }
      int base = i * g;
      for (int r = 0; r < g; r++) {
        double f = -1.0 / sigma[r];
        int off = (base + r) * d;
        for (int j = 0; j < d; j++) {
          grad[off + j] += f * ds[r][j];
        }
      }
    }
  }
}
