package org.scoresde.sampling;

import org.scoresde.sde.Sde;

/**
 * Where a fixed-step sampler evaluates the score: steps + 1 strictly decreasing times from the
 * SDE's horizon T down to eps, both endpoints exact. The spacing decides where the error goes. Grids are computed
 * on the driver and shipped as double[].
 */
public interface TimeSchedule {

  /** The name used in configuration: {@code uniform}, {@code edm}, {@code logsnr}, {@code gits}. */
  String name();

  /** The grid T = t_0 > t_1 > ... > t_steps = eps for the given SDE. */
  double[] grid(Sde sde, int steps, double eps);

  /** Rejects a step count or eps that no grid can satisfy. */
  static void checkArguments(Sde sde, int steps, double eps) {
    if (steps < 1) {
      throw new IllegalArgumentException("a time grid needs at least 1 step, got " + steps);
    }
    if (!(eps > 0 && eps < sde.horizon())) {
      throw new IllegalArgumentException("eps must lie in (0, T = " + sde.horizon() + "), got " + eps);
    }
  }
}
