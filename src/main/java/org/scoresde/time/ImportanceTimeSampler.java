package org.scoresde.time;

import java.util.random.RandomGenerator;
import org.scoresde.sde.Sde;

/**
 * Importance sampling of the diffusion time for the likelihood-weighted DSM loss (Song et al.
 * 2021, "Maximum likelihood training of score-based diffusion models"): t ~ r(t) proportional to
 * g(t)^2/sigma_t^2 on [eta, T], every example weighted by (g^2/sigma^2)(t) / ((T - eta) r(t)),
 * which is the constant F(T)/(T - eta) with F(T) = int_eta^T g^2/sigma^2. Then
 * E_r[w h] = E_U[(g^2/sigma^2) h] for every h, while the weights no longer blow up like 1/t near eta.
 * The cdf and its inverse are closed forms for VP and sub-VP, uniform for VE (where g^2/sigma^2 is
 * constant), and go through the log-SNR for any other SDE; all stay accurate for t near eta.
 */
public final class ImportanceTimeSampler implements TimeSampler {
  private static final long serialVersionUID = 1L;
  private final Sde sde;
  private final double eta;
  private final CumulativeWeight cumulative;
  private final double total;

  /** The importance sampler for the likelihood weighting of {@code sde} on [eta, T]; 0 < eta < T. */
  public ImportanceTimeSampler(Sde sde, double eta) {
    if (sde == null) {
      throw new IllegalArgumentException("an importance time sampler needs an SDE");
    }
    this.sde = sde;
    this.eta = checkEta(eta, sde.horizon());
    this.cumulative = CumulativeWeight.of(sde, eta);
    this.total = cumulative.at(sde.horizon());
    if (!(total > 0 && Double.isFinite(total))) {
      throw new IllegalArgumentException("the likelihood weight of " + sde + " on [" + eta + ", "
          + sde.horizon() + "] integrates to " + total + ", not to a positive finite number");
    }
  }

  public Sde sde() {
    return sde;
  }

  @Override
  public double eta() {
    return eta;
  }

  @Override
  public double horizon() {
    return sde.horizon();
  }

  /** F(T) = int_eta^T g(t)^2/sigma_t^2 dt, the normaliser of r. */
  public double totalWeight() {
    return total;
  }

  /** The sampling density r(t) = (g^2/sigma^2)(t) / F(T) on [eta, T], 0 outside. */
  public double density(double t) {
    if (!(t >= eta && t <= sde.horizon())) {
      return 0.0;
    }
    return LossWeighting.LIKELIHOOD.lambdaOverSigma2(sde, t) / total;
  }

  /** P(t' <= t) = F(t)/F(T), 0 below eta and 1 above T. */
  public double cdf(double t) {
    if (t <= eta) {
      return 0.0;
    }
    if (t >= sde.horizon()) {
      return 1.0;
    }
    return Math.min(1.0, cumulative.at(t) / total);
  }

  /** The t in [eta, T] with cdf(t) = u, for u in [0, 1]. */
  public double inverseCdf(double u) {
    if (!(u >= 0.0 && u <= 1.0)) {
      throw new IllegalArgumentException("inverseCdf needs u in [0, 1], got " + u);
    }
    if (u == 0.0) {
      return eta;
    }
    if (u == 1.0) {
      return sde.horizon();
    }
    return Math.max(eta, Math.min(sde.horizon(), cumulative.timeAt(u * total)));
  }

  /** The constant (g^2/sigma^2)(t) / ((T - eta) r(t)) = F(T)/(T - eta). */
  @Override
  public double weight(double t) {
    return total / (sde.horizon() - eta);
  }

  /** inverseCdf(u) for u ~ U[0, 1) from the generator. */
  @Override
  public double nextTime(RandomGenerator rng) {
    return inverseCdf(rng.nextDouble());
  }

  @Override
  public String toString() {
    return "ImportanceTimeSampler(" + sde.name() + ", eta=" + eta + ")";
  }

  static double checkEta(double eta, double horizon) {
    if (!(eta > 0.0 && eta < horizon)) {
      throw new IllegalArgumentException("the smallest diffusion time eta must satisfy 0 < eta < T = "
          + horizon + ", got " + eta);
    }
    return eta;
  }
}
