package org.scoresde.sde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Simulates dx = a(t) x dt + g(t) dW from x0 ~ N(M0, V0) by Euler-Maruyama and compares the sample
 * moments with the stated marginal: mean gamma_t M0 and variance gamma_t^2 V0 + sigma_t^2 (VP,
 * sub-VP); for VE, whose marginal family is the data convolved with N(0, sigma(t)^2), the variance
 * increments Var(x_t) - Var(x_s) = Var(x_t - x_s) = sigma_t^2 - sigma_s^2. The Euler-Maruyama
 * scheme has Gaussian marginals whose moments follow an exact recursion; its O(dt) bias is
 * computed from that recursion and added to the tolerance.
 */
class SdeEulerMaruyamaTest {
  private static final double M0 = 1.5;
  private static final double V0 = 0.25;
  private static final int PATHS = 40_000;
  private static final int STEPS = 1000;
  private static final int[] CHECKPOINTS = {100, 300, 600, 1000};

  /** Paths at the checkpoint steps: [checkpoint][path]. */
  private static double[][] simulate(Sde sde, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double dt = 1.0 / STEPS;
    double sqrtDt = Math.sqrt(dt);
    double[] x = new double[PATHS];
    double sd0 = Math.sqrt(V0);
    for (int i = 0; i < PATHS; i++) {
      x[i] = M0 + sd0 * rng.nextGaussian();
    }
    double[][] out = new double[CHECKPOINTS.length + 1][];
    out[0] = x.clone();
    int next = 0;
    for (int k = 0; k < STEPS; k++) {
      double t = k * dt;
      double factor = 1 + sde.driftCoefficient(t) * dt;
      double noise = sde.diffusion(t) * sqrtDt;
      for (int i = 0; i < PATHS; i++) {
        x[i] = factor * x[i] + noise * rng.nextGaussian();
      }
      if (k + 1 == CHECKPOINTS[next]) {
        out[++next] = x.clone();
      }
    }
    return out;
  }

  /** Mean and variance of the Euler-Maruyama iterate after n steps: m <- (1 + a dt) m, v <- (1 + a dt)^2 v + g^2 dt. */
  private static double[] eulerMoments(Sde sde, int n, int steps) {
    double dt = 1.0 / steps;
    double m = M0;
    double v = V0;
    for (int k = 0; k < n; k++) {
      double f = 1 + sde.driftCoefficient(k * dt) * dt;
      m *= f;
      v = f * f * v + sde.diffusionSquared(k * dt) * dt;
    }
    return new double[] {m, v};
  }

  private static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s / x.length;
  }

  private static double variance(double[] x) {
    double m = mean(x);
    double s = 0;
    for (double v : x) {
      s += (v - m) * (v - m);
    }
    return s / (x.length - 1);
  }

  @Test
  void vpAndSubVpReproduceTheMarginalMoments() {
    long seed = 17;
    for (Sde sde : List.of(new VpSde(), new SubVpSde())) {
      double[][] paths = simulate(sde, seed++);
      for (int c = 0; c < CHECKPOINTS.length; c++) {
        double t = CHECKPOINTS[c] / (double) STEPS;
        double g = sde.meanScale(t);
        double s = sde.std(t);
        double exactMean = g * M0;
        double exactVar = g * g * V0 + s * s;
        double[] em = eulerMoments(sde, CHECKPOINTS[c], STEPS);
        double[] x = paths[c + 1];
        // the iterate is Gaussian: stderr of the mean sqrt(V/n), of the sample variance V sqrt(2/(n-1));
        // 5 standard errors plus the exact Euler-Maruyama bias (at most ~0.3% of the variance here)
        double seMean = Math.sqrt(em[1] / PATHS);
        double seVar = em[1] * Math.sqrt(2.0 / (PATHS - 1));
        assertEquals(exactMean, mean(x), 5 * seMean + Math.abs(em[0] - exactMean), sde.name() + " mean t=" + t);
        assertEquals(exactVar, variance(x), 5 * seVar + Math.abs(em[1] - exactVar), sde.name() + " var t=" + t);
      }
    }
  }

  @Test
  void veReproducesTheVarianceIncrements() {
    VeSde ve = new VeSde();
    double[][] paths = simulate(ve, 23);
    int[] steps = new int[CHECKPOINTS.length + 1];
    System.arraycopy(CHECKPOINTS, 0, steps, 1, CHECKPOINTS.length);
    for (int c = 1; c < steps.length; c++) {
      double s = steps[c - 1] / (double) STEPS;
      double t = steps[c] / (double) STEPS;
      double[] inc = new double[PATHS];
      for (int i = 0; i < PATHS; i++) {
        inc[i] = paths[c][i] - paths[c - 1][i];
      }
      double exact = ve.std(t) * ve.std(t) - ve.std(s) * ve.std(s);
      // Euler-Maruyama's increment variance is the left Riemann sum of g^2 over the steps in (s, t]
      double em = eulerMoments(ve, steps[c], STEPS)[1] - eulerMoments(ve, steps[c - 1], STEPS)[1];
      double seVar = em * Math.sqrt(2.0 / (PATHS - 1));
      // as above: 5 standard errors of the sample variance plus the exact discretisation bias (0.85% of the increment for VE, ~1.2 standard errors)
      assertEquals(exact, variance(inc), 5 * seVar + Math.abs(em - exact), "ve increment (" + s + ", " + t + "]");
      assertEquals(0.0, mean(inc), 5 * Math.sqrt(em / PATHS), "ve increment mean");
      // Var(x_t) - Var(x_s) is the same number, since x_t - x_s is independent of x_s
      double seDiff = Math.sqrt(2.0 / (PATHS - 1)) * (em + 2 * Math.sqrt(variance(paths[c - 1]) * em));
      assertEquals(exact, variance(paths[c]) - variance(paths[c - 1]), 5 * seDiff + Math.abs(em - exact));
    }
    assertEquals(M0, mean(paths[CHECKPOINTS.length]), 5 * ve.sigmaMax() / Math.sqrt(PATHS), "ve keeps the mean");
  }

  @Test
  void eulerMomentsConvergeToTheMarginalAtFirstOrder() {
    for (Sde sde : List.of(new VpSde(), new SubVpSde(), new VeSde())) {
      double exactVar = Math.pow(sde.meanScale(1.0), 2) * V0 + Math.pow(sde.std(1.0), 2)
          - (sde instanceof VeSde ? Math.pow(sde.std(0.0), 2) : 0.0);
      double e1 = eulerMoments(sde, 2000, 2000)[1] - exactVar;
      double e2 = eulerMoments(sde, 4000, 4000)[1] - exactVar;
      // a first-order weak scheme halves its error when dt halves: ratio 2 + O(dt)
      assertEquals(2.0, e1 / e2, 0.05, sde.name());
      assertTrue(Math.abs(e2) < 1e-2 * exactVar, sde.name());
    }
  }
}
