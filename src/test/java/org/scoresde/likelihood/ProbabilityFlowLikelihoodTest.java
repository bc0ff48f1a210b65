package org.scoresde.likelihood;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.scoresde.score.GaussianMixture;
import org.scoresde.score.GaussianMixtureScore;
import org.scoresde.sde.Sde;
import org.scoresde.sde.Sdes;

class ProbabilityFlowLikelihoodTest {
  static final double ETA = ProbabilityFlowLikelihood.DEFAULT_ETA;

  static INDArray filled(long n, double t) {
    return Nd4j.zeros(DataType.DOUBLE, n).addi(t);
  }

  /**
   * An upper bound on |log p_T(z) - log prior(z)| that does not use the integration: the mixture's
   * log density lies between its components' smallest and largest log densities.
   */
  static double mismatchBound(GaussianMixtureScore score, INDArray z, int row) {
    Sde sde = score.sde();
    GaussianMixture atT = score.marginal(sde.horizon());
    INDArray zi = z.getRow(row).reshape(1, z.size(1));
    double prior = sde.priorLogDensity(zi).getDouble(0);
    double bound = 0;
    for (int k = 0; k < atT.components(); k++) {
      GaussianMixture component = new GaussianMixture(new double[] {1.0},
          new double[][] {atT.mean(k)}, new double[][][] {atT.covariance(k)});
      bound = Math.max(bound, Math.abs(component.logDensity(zi).getDouble(0) - prior));
    }
    return bound;
  }

  @ParameterizedTest
  @ValueSource(strings = {"vp", "subvp", "ve"})
  void exactTraceRecoversTheExactLogDensity(String sdeName) {
    Sde sde = Sdes.create(sdeName);
    System.out.printf("%-6s %3s %3s %12s %12s %12s %7s %10s %8s%n",
        "sde", "D", "N", "err/D exact", "err/D prior", "mismatch/D", "NFE", "steps", "seconds");
    for (int d : new int[] {1, 2, 10, 50}) {
      GaussianMixture mixture = GaussianMixture.random(3, d, new Random(1000 + d));
      GaussianMixtureScore score = new GaussianMixtureScore(mixture, sde);
      int n = d == 50 ? 2 : 3;
      INDArray x = mixture.sample(n, 77 + d, DataType.DOUBLE);
      double[] exact = score.logDensity(x, filled(n, ETA)).toDoubleVector();
      ProbabilityFlowLikelihood likelihood = new ProbabilityFlowLikelihood(score, DivergenceEstimator.exact(),
          ETA, 1e-5, 1e-5, TerminalDensity.exact(score, sde.horizon()));
      long start = System.nanoTime();
      LikelihoodResult r = likelihood.logLikelihood(x, 0);
      double seconds = (System.nanoTime() - start) / 1e9;
      double[] estimate = r.logLikelihood().toDoubleVector();
      double[] withPrior = sde.priorLogDensity(r.latent()).add(r.divergenceIntegral()).toDoubleVector();
      double errExact = 0;
      double errPrior = 0;
      double mismatch = 0;
      for (int i = 0; i < n; i++) {
        double e = Math.abs(estimate[i] - exact[i]) / d;
        double p = Math.abs(withPrior[i] - exact[i]) / d;
        double bound = mismatchBound(score, r.latent(), i) / d;
        errExact = Math.max(errExact, e);
        errPrior = Math.max(errPrior, p);
        mismatch = Math.max(mismatch, bound);
        // rtol = atol = 1e-5 along ~100 steps: the bound of 1e-3 nats per dimension
        assertTrue(e <= 1e-3, sdeName + " D=" + d + " row " + i + ": error/D " + e);
        // with the real prior the error adds log p_T(z_T) - log prior(z_T), bounded component-wise
        assertTrue(p <= 1e-3 + bound, sdeName + " D=" + d + " row " + i + ": prior error/D " + p + " > 1e-3 + " + bound);
      }
      System.out.printf("%-6s %3d %3d %12.3e %12.3e %12.3e %7d %10s %8.2f%n", sdeName, d, n, errExact, errPrior,
          mismatch, r.evaluations(), Arrays.toString(r.acceptedSteps()), seconds);
      assertEquals(d, r.dimension());
    }
  }

  @Test
  void everyRowCountsItsOwnEvaluations() {
    int d = 5;
    int n = 8;
    GaussianMixture mixture = GaussianMixture.random(3, d, new Random(55));
    GaussianMixtureScore score = new GaussianMixtureScore(mixture, Sdes.create("vp"));
    INDArray x = mixture.sample(n, 56, DataType.DOUBLE);
    ProbabilityFlowLikelihood likelihood = new ProbabilityFlowLikelihood(score, DivergenceEstimator.exact());
    LikelihoodResult batch = likelihood.logLikelihood(x, 0);
    double sum = 0;
    for (int i = 0; i < n; i++) {
      LikelihoodResult alone = likelihood.logLikelihood(x.getRow(i).reshape(1, d), 0);
      // rows have their own steps: a row's count in the batch is its count in a batch of one
      assertEquals(alone.evaluations(), batch.evaluationsPerRow()[i], "row " + i);
      assertEquals(alone.logLikelihood().getDouble(0), batch.logLikelihood().getDouble(i), 1e-9);
      sum += alone.evaluations();
    }
    double mean = Arrays.stream(batch.evaluationsPerRow()).average().orElseThrow();
    System.out.printf("NFE per row %s: mean %.1f, batch count %d%n",
        Arrays.toString(batch.evaluationsPerRow()), mean, batch.evaluations());
    assertEquals(sum / n, mean, 1e-12);
    assertEquals(Arrays.stream(batch.evaluationsPerRow()).max().orElseThrow(), batch.evaluations(),
        "all rows start together, so the batch counts as many evaluations as its slowest row");
  }

  @Test
  void hutchinsonMeanLiesWithinItsInterval() {
    int d = 10;
    int n = 200;
    Sde sde = Sdes.create("vp");
    GaussianMixture mixture = GaussianMixture.random(3, d, new Random(2024));
    GaussianMixtureScore score = new GaussianMixtureScore(mixture, sde);
    INDArray point = mixture.sample(1, 5, DataType.DOUBLE);
    double exact = score.logDensity(point, filled(1, ETA)).getDouble(0);
    INDArray x = Nd4j.tile(point, n, 1);
    for (DivergenceEstimator est : new DivergenceEstimator[] {DivergenceEstimator.rademacher(), DivergenceEstimator.gaussian()}) {
      ProbabilityFlowLikelihood likelihood = new ProbabilityFlowLikelihood(score, est, ETA, 1e-5, 1e-5,
          TerminalDensity.exact(score, sde.horizon()));
      long start = System.nanoTime();
      // every row has its own probes: n independent estimates of the same log-likelihood
      LikelihoodResult r = likelihood.logLikelihood(x, 31);
      double seconds = (System.nanoTime() - start) / 1e9;
      double[] e = r.logLikelihood().toDoubleVector();
      double mean = DivergenceEstimatorTest.mean(e);
      double se = Math.sqrt(DivergenceEstimatorTest.variance(e, mean) / n);
      System.out.printf("%s, %d estimates: mean %.4f, exact %.4f, se %.4f, |mean - exact| / se %.2f, NFE %d, %.1f s%n",
          est.name(), n, mean, exact, se, Math.abs(mean - exact) / se, r.evaluations(), seconds);
      // unbiased estimator (integration error ~1e-4 << se): the exact value is in the 99% interval
      assertEquals(exact, mean, 2.576 * se);
      assertTrue(se > 0, "probes must differ between rows");
    }
  }

  @Test
  void floatInputStaysFloat() {
    Sde sde = Sdes.create("vp");
    GaussianMixture mixture = GaussianMixture.random(2, 2, new Random(5));
    GaussianMixtureScore score = new GaussianMixtureScore(mixture, sde);
    INDArray x = mixture.sample(3, 8, DataType.DOUBLE);
    double[] exact = score.logDensity(x, filled(3, ETA)).toDoubleVector();
    LikelihoodResult r = new ProbabilityFlowLikelihood(score, DivergenceEstimator.exact())
        .withTerminalDensity(TerminalDensity.exact(score, sde.horizon()))
        .logLikelihood(x.castTo(DataType.FLOAT), 0);
    assertEquals(DataType.FLOAT, r.logLikelihood().dataType());
    double[] got = r.logLikelihood().castTo(DataType.DOUBLE).toDoubleVector();
    for (int i = 0; i < 3; i++) {
      System.out.printf("float32: log p %.6f, exact %.6f, error/D %.2e%n", got[i], exact[i], Math.abs(got[i] - exact[i]) / 2);
      // float32 rounds at 6e-8 relative, far below rtol = 1e-5: the 1e-3 nats/dim bound still holds
      assertEquals(exact[i], got[i], 1e-3 * 2);
    }
    assertEquals(-r.logLikelihood().getDouble(0) / 2, r.natsPerDimension().getDouble(0), 1e-6);
  }
}
