package org.scoresde.sampling;

import org.scoresde.sde.Sde;

/**
 * The polynomial grid of Karras et al. (EDM): equal steps in sigma^(1/rho) between the noise
 * levels at T and eps, where sigma(t) = sigma_t / gamma_t is the SDE's noise level in the
 * variance-exploding parameterization; rho = 7 concentrates steps at low noise. Each level is
 * mapped back to t through the log-SNR, lambda = -2 log sigma.
 */
public record EdmSchedule(double rho) implements TimeSchedule {

  /** EDM's default rho = 7. */
  public static final double DEFAULT_RHO = 7.0;

  public EdmSchedule {
    if (!(rho > 0)) {
      throw new IllegalArgumentException("EDM schedule needs rho > 0, got " + rho);
    }
  }

  public EdmSchedule() {
    this(DEFAULT_RHO);
  }

  @Override
  public String name() {
    return "edm";
  }

  /** sigma_t / gamma_t, the noise level of x_t / gamma_t. */
  public static double noiseLevel(Sde sde, double t) {
    return Math.exp(-0.5 * sde.logSnr(t));
  }

  @Override
  public double[] grid(Sde sde, int steps, double eps) {
    TimeSchedule.checkArguments(sde, steps, eps);
    double a = Math.pow(noiseLevel(sde, sde.horizon()), 1.0 / rho);
    double b = Math.pow(noiseLevel(sde, eps), 1.0 / rho);
    double[] t = new double[steps + 1];
    t[0] = sde.horizon();
    for (int i = 1; i < steps; i++) {
      double sigma = Math.pow(a + (b - a) * i / steps, rho);
      t[i] = sde.timeOfLogSnr(-2.0 * Math.log(sigma));
    }
    t[steps] = eps;
    return t;
  }
}
