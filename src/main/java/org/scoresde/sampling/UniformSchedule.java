package org.scoresde.sampling;

import org.scoresde.sde.Sde;

/** Equal steps in t from T to eps: the grid of score_sde's samplers. */
public record UniformSchedule() implements TimeSchedule {

  @Override
  public String name() {
    return "uniform";
  }

  @Override
  public double[] grid(Sde sde, int steps, double eps) {
    TimeSchedule.checkArguments(sde, steps, eps);
    double T = sde.horizon();
    double[] t = new double[steps + 1];
    for (int i = 0; i <= steps; i++) {
      t[i] = T + (eps - T) * i / steps;
    }
    t[steps] = eps;
    return t;
  }
}
