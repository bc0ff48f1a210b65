package org.scoresde.time;

import java.util.random.RandomGenerator;
import org.scoresde.sde.Sde;

/**
 * Times drawn uniformly on [eta, T], each example weighted by lambda(t)/sigma_t^2: the plain
 * Monte Carlo estimate of the DSM objective of Song et al. With likelihood weighting the weight
 * grows like 1/t near eta, which is why {@link ImportanceTimeSampler} exists.
 */
public final class UniformTimeSampler implements TimeSampler {
  private static final long serialVersionUID = 1L;
  private final Sde sde;
  private final LossWeighting weighting;
  private final double eta;

  /** A uniform sampler on [eta, sde.horizon()] with the given loss weighting; 0 < eta < T. */
  public UniformTimeSampler(Sde sde, LossWeighting weighting, double eta) {
    if (sde == null || weighting == null) {
      throw new IllegalArgumentException("a uniform time sampler needs an SDE and a loss weighting");
    }
    this.sde = sde;
    this.weighting = weighting;
    this.eta = ImportanceTimeSampler.checkEta(eta, sde.horizon());
  }

  public Sde sde() {
    return sde;
  }

  public LossWeighting weighting() {
    return weighting;
  }

  @Override
  public double eta() {
    return eta;
  }

  @Override
  public double horizon() {
    return sde.horizon();
  }

  /** lambda(t)/sigma_t^2. */
  @Override
  public double weight(double t) {
    return weighting.lambdaOverSigma2(sde, t);
  }

  @Override
  public double nextTime(RandomGenerator rng) {
    return eta + (sde.horizon() - eta) * rng.nextDouble();
  }

  @Override
  public String toString() {
    return "UniformTimeSampler(" + sde.name() + ", " + weighting.word() + ", eta=" + eta + ")";
  }
}
