package org.scoresde.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.apache.commons.math3.distribution.AbstractRealDistribution;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.Test;
import org.scoresde.sde.Sde;
import org.scoresde.sde.SubVpSde;
import org.scoresde.sde.VeSde;
import org.scoresde.sde.VpSde;

class ImportanceTimeSamplerTest {
  private static final double ETA = 1e-5;
  private static final int PANELS = 20_000;
  private static final List<Sde> SDES = List.of(new VpSde(), new SubVpSde(), new VeSde());

  private static double rate(Sde sde, double t) {
    return LossWeighting.LIKELIHOOD.lambdaOverSigma2(sde, t);
  }

  @Test
  void cumulativeWeightEqualsQuadratureOfGSquaredOverSigmaSquared() {
    for (Sde sde : SDES) {
      ImportanceTimeSampler s = new ImportanceTimeSampler(sde, ETA);
      double exactTotal = Quadrature.logSimpson(t -> rate(sde, t), ETA, 1.0, PANELS);
      // log-time Simpson with h = 5.8e-4 on a smooth integrand: error ~ h^4 ~ 1e-13 relative (halving h changes < 1e-12)
      assertEquals(exactTotal, s.totalWeight(), 1e-11 * exactTotal, sde.name());
      for (double t : new double[] {1.0001e-5, 2e-5, 1e-4, 1e-3, 0.01, 0.1, 0.3, 0.5, 0.9, 0.999}) {
        double partial = Quadrature.logSimpson(u -> rate(sde, u), ETA, t, PANELS);
        assertEquals(partial / exactTotal, s.cdf(t), 1e-12, sde.name() + " cdf at t=" + t);
      }
    }
  }

  @Test
  void densityIntegratesToOne() {
    for (Sde sde : SDES) {
      ImportanceTimeSampler s = new ImportanceTimeSampler(sde, ETA);
      // same quadrature error bound as above
      assertEquals(1.0, Quadrature.logSimpson(s::density, ETA, 1.0, PANELS), 1e-11, sde.name());
      assertEquals(0.0, s.density(ETA / 2));
      assertEquals(0.0, s.density(1.5));
    }
  }

  @Test
  void cumulativeWeightIsTheLogSnrDrop() {
    // g^2/sigma^2 = -d logSnr/dt, so F(t) = logSnr(eta) - logSnr(t): an identity independent of the closed forms
    for (Sde sde : SDES) {
      ImportanceTimeSampler s = new ImportanceTimeSampler(sde, ETA);
      for (double t : new double[] {1e-3, 0.1, 0.5, 1.0}) {
        double drop = sde.logSnr(ETA) - sde.logSnr(t);
        // both sides are O(10) sums of a few correctly rounded terms: 1e-13 relative is ~500 ulp of slack
        assertEquals(drop, s.cdf(t) * s.totalWeight(), 1e-13 * Math.max(1, drop), sde.name() + " t=" + t);
      }
    }
  }

  @Test
  void inverseCdfInvertsCdf() {
    for (Sde sde : SDES) {
      ImportanceTimeSampler s = new ImportanceTimeSampler(sde, ETA);
      assertEquals(ETA, s.inverseCdf(0.0));
      assertEquals(1.0, s.inverseCdf(1.0));
      double worst = 0;
      for (double u : new double[] {1e-300, 1e-16, 1e-12, 1e-9, 1e-6, 1e-3, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99,
          0.999999, 1 - 1e-12, 1 - 1e-16}) {
        double t = s.inverseCdf(u);
        assertTrue(t >= ETA && t <= 1.0, sde.name() + " u=" + u + " t=" + t);
        // t is only representable to half an ulp, which moves the cdf by density * ulp(t); the rest is rounding
        double tol = 2 * s.density(t) * Math.ulp(t) + 4 * Math.ulp(1.0);
        assertEquals(u, s.cdf(t), tol, sde.name() + " u=" + u);
        worst = Math.max(worst, Math.abs(s.cdf(t) - u) / tol);
      }
      for (double t : new double[] {ETA + 1e-15, ETA * 1.001, 1e-4, 0.01, 0.2, 0.6, 0.99999}) {
        double back = s.inverseCdf(s.cdf(t));
        // cdf is rounded to an ulp of u, which moves t by ulp(u)/density(t), plus a few ulp of t
        double tol = 4 * Math.ulp(s.cdf(t)) / s.density(t) + 4 * Math.ulp(t);
        assertEquals(t, back, tol, sde.name() + " t=" + t);
      }
    }
  }

  @Test
  void importanceWeightIsConstantAndUndoesTheDensity() {
    for (Sde sde : SDES) {
      ImportanceTimeSampler s = new ImportanceTimeSampler(sde, ETA);
      double w = s.totalWeight() / (1.0 - ETA);
      for (double t : new double[] {ETA, 1e-4, 0.1, 0.5, 1.0}) {
        assertEquals(w, s.weight(t));
        // the defining ratio (g^2/sigma^2)/((T - eta) r): equal up to the rounding of one division
        assertEquals(w, rate(sde, t) / ((1.0 - ETA) * s.density(t)), 1e-14 * w);
      }
    }
  }

  @Test
  void samplesFollowTheCdfByKolmogorovSmirnov() {
    KolmogorovSmirnovTest ks = new KolmogorovSmirnovTest();
    double alpha = 1e-3;
    int n = 20_000;
    for (Sde sde : List.of(new VpSde(), new SubVpSde())) {
      ImportanceTimeSampler s = new ImportanceTimeSampler(sde, ETA);
      double[] t = s.draw(n, new SplittableRandom(11)).t();
      double p = ks.kolmogorovSmirnovTest(asDistribution(s), t);
      // a correct sampler fails this with probability alpha = 1e-3 over seeds
      assertTrue(p > alpha, sde.name() + " KS p=" + p);
      // power: uniform times are far from r (KS statistic ~0.4), so the same test must reject them
      double[] uniform = new UniformTimeSampler(sde, LossWeighting.LIKELIHOOD, ETA).draw(n, new SplittableRandom(11)).t();
      assertTrue(ks.kolmogorovSmirnovTest(asDistribution(s), uniform) < alpha, sde.name());
    }
  }

  @Test
  void weightedLossIsUnbiasedForTheUniformLikelihoodObjective() {
    int n = 200_000;
    List<DoubleUnaryOperator> hs = List.of(t -> Math.sin(3 * t) + 1, t -> t * t);
    for (Sde sde : List.of(new VpSde(), new SubVpSde())) {
      TimeSampler importance = new ImportanceTimeSampler(sde, ETA);
      TimeSampler uniform = new UniformTimeSampler(sde, LossWeighting.LIKELIHOOD, ETA);
      for (int k = 0; k < hs.size(); k++) {
        DoubleUnaryOperator h = hs.get(k);
        double exact = Quadrature.logSimpson(t -> rate(sde, t) * h.applyAsDouble(t), ETA, 1.0, PANELS) / (1.0 - ETA);
        double[] imp = meanAndStderr(importance.draw(n, new SplittableRandom(100 + k)), h);
        double[] uni = meanAndStderr(uniform.draw(n, new SplittableRandom(200 + k)), h);
        // Monte Carlo means are within 5 standard errors of the exact integral (quadrature error ~1e-12 is negligible)
        assertEquals(exact, imp[0], 5 * imp[1], sde.name() + " importance h" + k);
        assertEquals(exact, uni[0], 5 * uni[1], sde.name() + " uniform h" + k);
        if (k == 0) {
          // for h bounded away from 0 the constant weight removes the 1/t blow-up: measured ratio ~40 for VP
          assertTrue(uni[1] > 10 * imp[1], sde.name() + " stderr uniform " + uni[1] + " vs importance " + imp[1]);
        }
      }
    }
  }

  @Test
  void accurateNearEta() {
    for (Sde sde : List.of(new VpSde(), new SubVpSde())) {
      ImportanceTimeSampler s = new ImportanceTimeSampler(sde, ETA);
      assertEquals(0.0, s.cdf(ETA));
      assertTrue(Double.isFinite(s.density(ETA)) && s.density(ETA) > 0);
      for (double step : new double[] {1e-15, 1e-13, 1e-11}) {
        double t = ETA + step;
        double d = t - ETA;
        double trapezoid = 0.5 * (s.density(ETA) + s.density(t)) * d;
        // trapezoid error ~ d^2 |r''/r| / 12 ~ (d/eta)^2 / 6 <= 2e-13 relative; a cdf built as the difference
        // log(e^B(t) - 1) - log(e^B(eta) - 1) would be off by ~1e-15 / (d / eta) >= 1e-9 relative here
        assertEquals(trapezoid, s.cdf(t), 1e-11 * trapezoid, sde.name() + " step " + step);
      }
      for (double u : new double[] {Double.MIN_VALUE, 1e-300, 1e-20, 1e-17}) {
        double t = s.inverseCdf(u);
        // u / r(eta) < 1e-12: t can only be eta or a few ulps above it
        assertTrue(t >= ETA && t <= ETA + 4 * Math.ulp(ETA) + u / s.density(ETA), sde.name() + " u=" + u + " t=" + t);
      }
    }
  }

  @Test
  void veImportanceDensityIsUniform() {
    VeSde ve = new VeSde();
    ImportanceTimeSampler s = new ImportanceTimeSampler(ve, ETA);
    double k = 2 * Math.log(50 / 0.01);
    assertEquals(k * (1 - ETA), s.totalWeight(), 1e-14 * k);
    assertEquals(k, s.weight(0.3), 1e-14 * k);
    for (double t : new double[] {ETA, 0.2, 0.7, 1.0}) {
      assertEquals(1 / (1 - ETA), s.density(t), 1e-14);
      assertEquals((t - ETA) / (1 - ETA), s.cdf(t), 1e-15);
      assertEquals(t, s.inverseCdf((t - ETA) / (1 - ETA)), 1e-15);
    }
  }

  @Test
  void extremeSchedulesStayFinite() {
    // beta_max = 3000 gives B(1) = 1500 and F(T) ~ 1500: exercises the overflow-free branches
    for (Sde sde : List.of(new VpSde(0.1, 3000), new SubVpSde(0.1, 3000), new VpSde(1e-4, 0.02), new SubVpSde(1e-4, 0.02))) {
      for (double eta : new double[] {1e-9, ETA, 0.3}) {
        ImportanceTimeSampler s = new ImportanceTimeSampler(sde, eta);
        double exactTotal = Quadrature.logSimpson(t -> rate(sde, t), eta, 1.0, PANELS);
        // quadrature error as in the default case; the steep beta makes the integrand less smooth, hence 1e-9
        assertEquals(exactTotal, s.totalWeight(), 1e-9 * exactTotal, sde + " eta=" + eta);
        double prev = eta;
        for (int i = 1; i < 1000; i++) {
          double u = i / 1000.0;
          double t = s.inverseCdf(u);
          assertTrue(Double.isFinite(t) && t >= prev, sde + " u=" + u);
          assertEquals(u, s.cdf(t), 2 * s.density(t) * Math.ulp(t) + 8 * Math.ulp(1.0), sde + " eta=" + eta + " u=" + u);
          prev = t;
        }
      }
    }
  }

  @Test
  void rejectsBadArguments() {
    assertThrows(IllegalArgumentException.class, () -> new ImportanceTimeSampler(new VpSde(), 0.0));
    assertThrows(IllegalArgumentException.class, () -> new ImportanceTimeSampler(new VpSde(), 1.0));
    ImportanceTimeSampler s = new ImportanceTimeSampler(new VpSde(), ETA);
    assertThrows(IllegalArgumentException.class, () -> s.inverseCdf(1.5));
    assertThrows(IllegalArgumentException.class, () -> s.inverseCdf(Double.NaN));
  }

  private static double[] meanAndStderr(TimeBatch b, DoubleUnaryOperator h) {
    int n = b.size();
    double sum = 0;
    double sumSq = 0;
    for (int i = 0; i < n; i++) {
      double v = b.weight()[i] * h.applyAsDouble(b.t()[i]);
      sum += v;
      sumSq += v * v;
    }
    double mean = sum / n;
    double var = (sumSq - n * mean * mean) / (n - 1);
    return new double[] {mean, Math.sqrt(var / n)};
  }

  private static AbstractRealDistribution asDistribution(ImportanceTimeSampler s) {
    return new AbstractRealDistribution(null) {
      private static final long serialVersionUID = 1L;

      @Override
      public double density(double x) {
        return s.density(x);
      }

      @Override
      public double cumulativeProbability(double x) {
        return s.cdf(x);
      }

      @Override
      public double getNumericalMean() {
        return Double.NaN;
      }

      @Override
      public double getNumericalVariance() {
        return Double.NaN;
      }

      @Override
      public double getSupportLowerBound() {
        return s.eta();
      }

      @Override
      public double getSupportUpperBound() {
        return s.horizon();
      }

      @Override
      public boolean isSupportLowerBoundInclusive() {
        return true;
      }

      @Override
      public boolean isSupportUpperBoundInclusive() {
        return true;
      }

      @Override
      public boolean isSupportConnected() {
        return true;
      }
    };
  }
}
