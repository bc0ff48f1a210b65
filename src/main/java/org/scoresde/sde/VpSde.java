package org.scoresde.sde;

import java.util.Map;

/**
 * The variance-preserving SDE (DDPM in continuous time): beta(t) = b0 + t (b1 - b0),
 * f = -beta x / 2, g^2 = beta, marginal N(gamma_t x0, (1 - gamma_t^2) I), prior N(0, I).
 */
public final class VpSde implements Sde {
  private static final long serialVersionUID = 1L;
  private final double betaMin;
  private final double betaMax;

  public VpSde(double betaMin, double betaMax) {
    if (!(betaMin > 0 && betaMax > betaMin)) {
      throw new IllegalArgumentException("VP SDE needs 0 < beta_min < beta_max, got " + betaMin + ", " + betaMax);
    }
    this.betaMin = betaMin;
    this.betaMax = betaMax;
  }

  /** The defaults of score_sde: beta_min = 0.1, beta_max = 20. */
  public VpSde() {
    this(0.1, 20.0);
  }

  public double betaMin() {
    return betaMin;
  }

  public double betaMax() {
    return betaMax;
  }

  @Override
  public String name() {
    return "vp";
  }

  /** beta(t). */
  public double beta(double t) {
    return betaMin + t * (betaMax - betaMin);
  }

  /** B(t) = int_0^t beta = b0 t + (b1 - b0) t^2 / 2, so that gamma_t = exp(-B/2). */
  public double integratedBeta(double t) {
    return betaMin * t + 0.5 * (betaMax - betaMin) * t * t;
  }

  /** The t >= 0 at which {@link #integratedBeta} equals b: the positive root of the quadratic. */
  public double timeOfIntegratedBeta(double b) {
    double a = 0.5 * (betaMax - betaMin);
    return 2.0 * b / (betaMin + Math.sqrt(betaMin * betaMin + 4.0 * a * b));
  }

  @Override
  public double driftCoefficient(double t) {
    return -0.5 * beta(t);
  }

  @Override
  public double diffusionSquared(double t) {
    return beta(t);
  }

  @Override
  public double meanScale(double t) {
    return Math.exp(-0.5 * integratedBeta(t));
  }

  @Override
  public double std(double t) {
    return Math.sqrt(-Math.expm1(-integratedBeta(t)));
  }

  @Override
  public double logSnr(double t) {
    return -Math.log(Math.expm1(integratedBeta(t)));
  }

  @Override
  public double timeOfLogSnr(double lambda) {
    return timeOfIntegratedBeta(Math.log1p(Math.exp(-lambda)));
  }

  @Override
  public double priorStd() {
    return 1.0;
  }

  @Override
  public Map<String, Double> parameters() {
    return Map.of("beta_min", betaMin, "beta_max", betaMax);
  }

  @Override
  public String toString() {
    return "VpSde(beta_min=" + betaMin + ", beta_max=" + betaMax + ")";
  }
}
