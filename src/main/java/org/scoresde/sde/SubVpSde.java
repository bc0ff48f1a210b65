package org.scoresde.sde;

import java.util.Map;

/**
 * The sub-VP SDE of Song et al.: the VP drift with g^2 = beta(t) (1 - exp(-2 B(t))), whose
 * marginal std 1 - gamma_t^2 stays below VP's; prior N(0, I).
 */
public final class SubVpSde implements Sde {
  private static final long serialVersionUID = 1L;
  private final VpSde vp;

  public SubVpSde(double betaMin, double betaMax) {
    this.vp = new VpSde(betaMin, betaMax);
  }

  /** The defaults of score_sde: beta_min = 0.1, beta_max = 20. */
  public SubVpSde() {
    this(0.1, 20.0);
  }

  public double betaMin() {
    return vp.betaMin();
  }

  public double betaMax() {
    return vp.betaMax();
  }

  public double beta(double t) {
    return vp.beta(t);
  }

  public double integratedBeta(double t) {
    return vp.integratedBeta(t);
  }

  @Override
  public String name() {
    return "subvp";
  }

  @Override
  public double driftCoefficient(double t) {
    return vp.driftCoefficient(t);
  }

  @Override
  public double diffusionSquared(double t) {
    return -vp.beta(t) * Math.expm1(-2.0 * vp.integratedBeta(t));
  }

  @Override
  public double meanScale(double t) {
    return vp.meanScale(t);
  }

  @Override
  public double std(double t) {
    return -Math.expm1(-vp.integratedBeta(t));
  }

  @Override
  public double logSnr(double t) {
    double b = vp.integratedBeta(t);
    return -b - 2.0 * Math.log(-Math.expm1(-b));
  }

  @Override
  public double priorStd() {
    return 1.0;
  }

  @Override
  public Map<String, Double> parameters() {
    return vp.parameters();
  }

  @Override
  public String toString() {
    return "SubVpSde(beta_min=" + betaMin() + ", beta_max=" + betaMax() + ")";
  }
}
