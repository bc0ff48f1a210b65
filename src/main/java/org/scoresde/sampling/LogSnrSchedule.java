package org.scoresde.sampling;

import org.scoresde.sde.Sde;

/**
 * Equal steps in log-SNR log(gamma_t^2 / sigma_t^2) from T to eps: the natural grid of the
 * exponential integrators (DPM-Solver), whose error depends on the step in lambda.
 */
public record LogSnrSchedule() implements TimeSchedule {

  @Override
  public String name() {
    return "logsnr";
  }

  @Override
  public double[] grid(Sde sde, int steps, double eps) {
    TimeSchedule.checkArguments(sde, steps, eps);
    double lo = sde.logSnr(sde.horizon());
    double hi = sde.logSnr(eps);
    double[] t = new double[steps + 1];
    t[0] = sde.horizon();
    for (int i = 1; i < steps; i++) {
      t[i] = sde.timeOfLogSnr(lo + (hi - lo) * i / steps);
    }
    t[steps] = eps;
    return t;
  }
}
