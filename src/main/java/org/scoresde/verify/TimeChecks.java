package org.scoresde.verify;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.scoresde.sde.Sde;
import org.scoresde.sde.Sdes;
import org.scoresde.time.ImportanceTimeSampler;
import org.scoresde.time.LossWeighting;
import org.scoresde.time.UniformTimeSampler;

/**
 * Checks the importance sampler of the likelihood weighting: its draws follow r(t) (one-sample
 * Kolmogorov-Smirnov statistic against the closed-form cdf) and its weights are unbiased:
 * E_r[w h] equals the exact integral of (g^2/sigma^2) h / (T - eta) for a test function h.
 */
public final class TimeChecks implements VerifyCheck {
  private static final double ETA = 1e-5;
  private static final int N = 20000;

  @Override
  public String name() {
    return "time";
  }

  @Override
  public List<CheckResult> run(Random rng) {
    List<CheckResult> out = new ArrayList<>();
    for (String name : List.of("vp", "subvp")) {
      Sde sde = Sdes.create(name);
      ImportanceTimeSampler r = new ImportanceTimeSampler(sde, ETA);
      SplittableRandom random = new SplittableRandom(rng.nextLong());
      double[] t = new double[N];
      for (int i = 0; i < N; i++) {
        t[i] = r.nextTime(random);
      }
      Arrays.sort(t);
      double ks = 0;
      for (int i = 0; i < N; i++) {
        double f = r.cdf(t[i]);
        ks = Math.max(ks, Math.max((i + 1.0) / N - f, f - (double) i / N));
      }
      // the asymptotic KS critical value at alpha = 0.001 is 1.9495 / sqrt(n)
      out.add(CheckResult.atMost(name(), name + " r(t) Kolmogorov-Smirnov statistic", ks, 1.9495 / Math.sqrt(N),
          N + " draws, alpha = 0.001"));

      double phase = 6 * rng.nextDouble();
      double sum = 0;
      double sumSq = 0;
      for (double ti : t) {
        double v = r.weight(ti) * h(ti, phase);
        sum += v;
        sumSq += v * v;
      }
      double mean = sum / N;
      double se = Math.sqrt((sumSq / N - mean * mean) / N);
      double exact = integral(sde, phase) / (sde.horizon() - ETA);
      // five standard errors of the Monte Carlo mean
      out.add(CheckResult.atMost(name(), name + " |E_r[w h] - E_U[g^2/sigma^2 h]| in standard errors",
          Math.abs(mean - exact) / se, 5.0, String.format("exact %.5g, estimate %.5g", exact, mean)));
    }
    return out;
  }

  private static double h(double t, double phase) {
    return 1.5 + Math.sin(3 * t + phase);
  }

  /** The integral of (g^2/sigma^2) h over [eta, T] by composite Simpson in log-spaced then linear t. */
  private static double integral(Sde sde, double phase) {
    UniformTimeSampler u = new UniformTimeSampler(sde, LossWeighting.LIKELIHOOD, ETA);
    double total = 0;
    double[] edges = {ETA, 1e-4, 1e-3, 1e-2, 1e-1, sde.horizon()};
    for (int k = 0; k + 1 < edges.length; k++) {
      int m = 20000;
      double a = edges[k];
      double b = edges[k + 1];
      double step = (b - a) / m;
      double s = 0;
      for (int i = 0; i <= m; i++) {
        double ti = a + i * step;
        double c = (i == 0 || i == m) ? 1 : (i % 2 == 1 ? 4 : 2);
        s += c * u.weight(ti) * h(ti, phase);
      }
      total += s * step / 3;
    }
    return total;
  }
}
