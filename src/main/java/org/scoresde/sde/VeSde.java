package org.scoresde.sde;

import java.util.Map;

/**
 * The variance-exploding SDE (NCSN in continuous time): sigma(t) = smin (smax/smin)^t, f = 0,
 * g = sigma(t) sqrt(2 ln(smax/smin)), prior N(0, smax^2 I). The marginals here are the data
 * convolved with N(0, sigma(t)^2 I), as in score_sde; that family solves the forward equation
 * exactly because d sigma^2 / dt = g^2.
 */
public final class VeSde implements Sde {
  private static final long serialVersionUID = 1L;
  private final double sigmaMin;
  private final double sigmaMax;

  public VeSde(double sigmaMin, double sigmaMax) {
    if (!(sigmaMin > 0 && sigmaMax > sigmaMin)) {
      throw new IllegalArgumentException("VE SDE needs 0 < sigma_min < sigma_max, got " + sigmaMin + ", " + sigmaMax);
    }
    this.sigmaMin = sigmaMin;
    this.sigmaMax = sigmaMax;
  }

  /** smin = 0.01, smax = 50 (smax should be about the largest distance between data points). */
  public VeSde() {
    this(0.01, 50.0);
  }

  public double sigmaMin() {
    return sigmaMin;
  }

  public double sigmaMax() {
    return sigmaMax;
  }

  @Override
  public String name() {
    return "ve";
  }

  @Override
  public double driftCoefficient(double t) {
    return 0.0;
  }

  @Override
  public double diffusionSquared(double t) {
    double s = std(t);
    return s * s * 2.0 * Math.log(sigmaMax / sigmaMin);
  }

  @Override
  public double meanScale(double t) {
    return 1.0;
  }

  @Override
  public double std(double t) {
    return sigmaMin * Math.pow(sigmaMax / sigmaMin, t);
  }

  @Override
  public double logSnr(double t) {
    return -2.0 * Math.log(std(t));
  }

  @Override
  public double timeOfLogSnr(double lambda) {
    return (-0.5 * lambda - Math.log(sigmaMin)) / Math.log(sigmaMax / sigmaMin);
  }

  @Override
  public double priorStd() {
    return sigmaMax;
  }

  @Override
  public Map<String, Double> parameters() {
    return Map.of("sigma_min", sigmaMin, "sigma_max", sigmaMax);
  }

  @Override
  public String toString() {
    return "VeSde(sigma_min=" + sigmaMin + ", sigma_max=" + sigmaMax + ")";
  }
}
