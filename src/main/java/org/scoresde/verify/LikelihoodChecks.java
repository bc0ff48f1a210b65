package org.scoresde.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.scoresde.likelihood.DivergenceEstimator;
import org.scoresde.likelihood.LikelihoodResult;
import org.scoresde.likelihood.ProbabilityFlowLikelihood;
import org.scoresde.likelihood.TerminalDensity;
import org.scoresde.score.GaussianMixture;
import org.scoresde.score.GaussianMixtureScore;
import org.scoresde.sde.Sde;
import org.scoresde.sde.Sdes;

/**
 * Checks the probability-flow likelihood against the exact log density of a diffused Gaussian
 * mixture: exact trace, Dormand-Prince at rtol = atol = 1e-5, D in {1, 2, 10, 50}, every SDE. The
 * terminal density is the exact p_T, so the error measured is the integration's own; the prior
 * mismatch log p_T - log prior is reported beside it. Then Hutchinson's estimator: the mean of many
 * independent estimates lies within its 99% interval of the exact value.
 */
public final class LikelihoodChecks implements VerifyCheck {
  private final int examples;

  public LikelihoodChecks(int examples) {
    this.examples = examples;
  }

  @Override
  public String name() {
    return "likelihood";
  }

  @Override
  public List<CheckResult> run(Random rng) {
    List<CheckResult> out = new ArrayList<>();
    for (String name : List.of("vp", "subvp", "ve")) {
      Sde sde = Sdes.create(name);
      for (int d : new int[] {1, 2, 10, 50}) {
        GaussianMixture m = GaussianMixture.random(3, d, rng);
        GaussianMixtureScore score = new GaussianMixtureScore(m, sde);
        int n = d == 50 ? Math.min(examples, 2) : examples;
        INDArray x = m.sample(n, rng.nextLong(), DataType.DOUBLE);
        double eta = ProbabilityFlowLikelihood.DEFAULT_ETA;
        ProbabilityFlowLikelihood pf = new ProbabilityFlowLikelihood(score, DivergenceEstimator.exact())
            .withTerminalDensity(TerminalDensity.exact(score, sde.horizon()));
        LikelihoodResult r = pf.logLikelihood(x, rng.nextLong());
        INDArray exact = score.logDensity(x, Nd4j.valueArrayOf(n, eta).castTo(DataType.DOUBLE));
        double err = r.logLikelihood().sub(exact).amaxNumber().doubleValue() / d;
        INDArray prior = sde.priorLogDensity(r.latent());
        double mismatch = r.terminalLogDensity().sub(prior).amaxNumber().doubleValue() / d;
        out.add(CheckResult.atMost(name(), String.format("%s D=%d |log p estimate - exact| / D (nats, exact trace)", name, d),
            err, 1e-3, String.format("%d points, NFE %d, prior mismatch %.2g nats/dim", n, r.evaluations(), mismatch)));
      }
    }
    out.add(hutchinson(rng));
    return out;
  }

  private CheckResult hutchinson(Random rng) {
    Sde sde = Sdes.create("vp");
    int d = 10;
    int repeats = 100;
    GaussianMixture m = GaussianMixture.random(3, d, rng);
    GaussianMixtureScore score = new GaussianMixtureScore(m, sde);
    INDArray x0 = m.sample(1, rng.nextLong(), DataType.DOUBLE);
    INDArray batch = Nd4j.repeat(x0, repeats).reshape(repeats, d);
    ProbabilityFlowLikelihood pf = new ProbabilityFlowLikelihood(score, DivergenceEstimator.rademacher())
        .withTerminalDensity(TerminalDensity.exact(score, sde.horizon()));
    INDArray est = pf.logLikelihood(batch, rng.nextLong()).logLikelihood();
    double mean = est.meanNumber().doubleValue();
    double se = est.stdNumber().doubleValue() / Math.sqrt(repeats);
    double exact = score.logDensity(x0, Nd4j.valueArrayOf(1, ProbabilityFlowLikelihood.DEFAULT_ETA).castTo(DataType.DOUBLE))
        .getDouble(0);
    // the mean of 100 independent estimates is normal to a good approximation: 99% interval = 2.576 se
    return CheckResult.atMost(name(), "vp D=10 Hutchinson (Rademacher) |mean - exact| in standard errors",
        Math.abs(mean - exact) / se, 2.576, String.format("%d probes, se %.3g nats", repeats, se));
  }
}
