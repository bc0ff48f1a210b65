package org.scoresde.score;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.scoresde.nd4j.JavaArrays;
import org.scoresde.sde.Sde;

/**
 * The exact score of a Gaussian mixture diffused by an SDE: at time t component k becomes
 * N(gamma_t mu_k, gamma_t^2 Sigma_k + sigma_t^2 I), so the marginal, its score and the score's
 * Jacobian are closed-form. It stands behind the {@link ScoreModel} seam wherever a trained network
 * would, so likelihoods and samplers can be checked against exact answers. Computed in double
 * precision; results come back in x's data type.
 */
public final class GaussianMixtureScore implements ScoreModel, ExactDensity, java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private final GaussianMixture mixture;
  private final Sde sde;

  public GaussianMixtureScore(GaussianMixture mixture, Sde sde) {
    if (mixture == null || sde == null) {
      throw new IllegalArgumentException("GaussianMixtureScore needs a mixture and an SDE");
    }
    this.mixture = mixture;
    this.sde = sde;
  }

  public GaussianMixture mixture() {
    return mixture;
  }

  @Override
  public int dimension() {
    return mixture.dimension();
  }

  @Override
  public Sde sde() {
    return sde;
  }

  /** grad_x log p_t(x) for every row of x [N, D] at its time t [N]; returns [N, D]. */
  @Override
  public INDArray score(INDArray x, INDArray t) {
    return matrix(run(x, t, null, MixtureKernel.SCORE).score(), x);
  }

  /** v^T H per row, H the (symmetric) Hessian of log p_t, without forming H; returns [N, D]. */
  @Override
  public INDArray vjp(INDArray x, INDArray t, INDArray v) {
    return matrix(run(x, t, v, MixtureKernel.VJP).vjp(), x);
  }

  @Override
  public ScoreAndVjp scoreAndVjp(INDArray x, INDArray t, INDArray v) {
    MixtureKernel.Result r = run(x, t, v, MixtureKernel.SCORE | MixtureKernel.VJP);
    return new ScoreAndVjp(matrix(r.score(), x), matrix(r.vjp(), x));
  }

  /** log p_t(x) for every row; returns [N]. */
  @Override
  public INDArray logDensity(INDArray x, INDArray t) {
    return JavaArrays.vector(run(x, t, null, MixtureKernel.LOG_DENSITY).logDensity(), x.dataType());
  }

  /**
   * The exact divergence of the score, tr(H) = sum_k r_k (|P_k (x - m_k)|^2 - tr P_k) - |s|^2, per row
   * at the cost of one score evaluation (the likelihood's exact trace without D vector-Jacobian
   * products); returns [N].
   */
  public INDArray divergence(INDArray x, INDArray t) {
    return JavaArrays.vector(run(x, t, null, MixtureKernel.DIVERGENCE).divergence(), x.dataType());
  }

  /** The posterior probability of each component given x at time t; returns [N, K]. */
  public INDArray responsibilities(INDArray x, INDArray t) {
    MixtureKernel.Result r = run(x, t, null, MixtureKernel.RESPONSIBILITIES);
    return JavaArrays.matrix(r.responsibilities(), (int) x.size(0), mixture.components(), x.dataType());
  }

  /** E[x0 | x_t = x] by Tweedie's formula (x + sigma_t^2 s) / gamma_t; returns [N, D]. */
  public INDArray denoise(INDArray x, INDArray t) {
    MixtureKernel.checkShape(x, dimension());
    int n = (int) x.size(0);
    int d = dimension();
    double[] tv = MixtureKernel.times(t, n);
    double[] xv = MixtureKernel.flat(x);
    double[] s = run(x, t, null, MixtureKernel.SCORE).score();
    double[] out = new double[n * d];
    for (int i = 0; i < n; i++) {
      double gamma = sde.meanScale(tv[i]);
      double sigma = sde.std(tv[i]);
      double s2 = sigma * sigma;
      for (int m = 0; m < d; m++) {
        int p = i * d + m;
        out[p] = (xv[p] + s2 * s[p]) / gamma;
      }
    }
    return matrix(out, x);
  }

  /** The diffused marginal at time t as a mixture of its own: means gamma mu_k, covariances gamma^2 Sigma_k + sigma^2 I. */
  public GaussianMixture marginal(double t) {
    double gamma = sde.meanScale(t);
    double sigma = sde.std(t);
    int k = mixture.components();
    int d = mixture.dimension();
    double[][] means = mixture.means();
    double[][][] cov = mixture.covariances();
    for (int c = 0; c < k; c++) {
      for (int i = 0; i < d; i++) {
        means[c][i] *= gamma;
        for (int j = 0; j < d; j++) {
          cov[c][i][j] *= gamma * gamma;
        }
        cov[c][i][i] += sigma * sigma;
      }
    }
    return new GaussianMixture(mixture.weights(), means, cov);
  }

  private MixtureKernel.Result run(INDArray x, INDArray t, INDArray v, int what) {
    MixtureKernel.checkShape(x, dimension());
    int n = (int) x.size(0);
    double[] tv = MixtureKernel.times(t, n);
    double[] gamma = new double[n];
    double[] sigma2 = new double[n];
    for (int i = 0; i < n; i++) {
      gamma[i] = sde.meanScale(tv[i]);
      double s = sde.std(tv[i]);
      sigma2[i] = s * s;
    }
    double[] vv = null;
    if (v != null) {
      if (v.rank() != 2 || v.size(0) != n || v.size(1) != dimension()) {
        throw new IllegalArgumentException("v must have the shape of x " + Arrays.toString(x.shape())
            + ", got " + Arrays.toString(v.shape()));
      }
      vv = MixtureKernel.flat(v);
    }
    return MixtureKernel.evaluate(mixture, MixtureKernel.flat(x), n, gamma, sigma2, vv, what);
  }

  private INDArray matrix(double[] data, INDArray like) {
    return JavaArrays.matrix(data, (int) like.size(0), dimension(), like.dataType());
  }

  @Override
  public String toString() {
    return "GaussianMixtureScore(" + mixture + ", " + sde + ")";
  }
}
