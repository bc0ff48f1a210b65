package org.scoresde.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.scoresde.sde.Sde;
import org.scoresde.sde.Sdes;

/**
 * Checks each SDE's marginal against its own drift and diffusion: the variance v(t) = gamma_t^2 v0
 * + sigma_t^2 must satisfy dv/dt = 2 a(t) v + g(t)^2 (the moment equation of the forward SDE).
 */
public final class SdeChecks implements VerifyCheck {
  private static final double H = 1e-6;

  @Override
  public String name() {
    return "sde";
  }

  @Override
  public List<CheckResult> run(Random rng) {
    List<CheckResult> out = new ArrayList<>();
    for (String name : List.of("vp", "subvp", "ve")) {
      Sde sde = Sdes.create(name);
      double v0 = 0.1 + rng.nextDouble();
      double worst = 0;
      for (int i = 0; i < 50; i++) {
        double t = 0.01 + 0.98 * rng.nextDouble();
        double dv = (variance(sde, t + H, v0) - variance(sde, t - H, v0)) / (2 * H);
        double rhs = 2 * sde.driftCoefficient(t) * variance(sde, t, v0) + sde.diffusionSquared(t);
        worst = Math.max(worst, Math.abs(dv - rhs) / Math.max(1.0, Math.abs(rhs)));
      }
      // central differences at h = 1e-6 carry O(h^2) truncation and ~1e-10 rounding error
      out.add(CheckResult.atMost(name(), name + " moment equation dv/dt = 2a v + g^2 (max rel. error)", worst, 1e-6,
          "50 random t in [0.01, 0.99]"));
    }
    return out;
  }

  private static double variance(Sde sde, double t, double v0) {
    double g = sde.meanScale(t);
    double s = sde.std(t);
    return g * g * v0 + s * s;
  }
}
