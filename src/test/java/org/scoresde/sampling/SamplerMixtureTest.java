package org.scoresde.sampling;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.opentest4j.AssertionFailedError;
import org.scoresde.score.GaussianMixture;
import org.scoresde.score.GaussianMixtureScore;
import org.scoresde.sde.Sde;
import org.scoresde.sde.Sdes;

/**
 * Every sampler, driven by the exact score of a 3-component Gaussian mixture, reproduces the
 * diffused mixture at eps: its mean, covariance and the share of samples whose most likely
 * component is k, in D = 2 (N = 4000; VP, VE, sub-VP) and D = 10 (N = 2000; VP), at the step
 * counts stated per case.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SamplerMixtureTest {
  /** score_sde's sampling end time. */
  private static final double EPS = 1e-3;

  /**
   * Discretisation allowances (mean, covariance entry, component share) added to 5 Monte Carlo
   * standard errors. Runs of 40 000 samples (D = 2) and 10 000 (D = 10) at these step counts
   * showed no difference beyond 4 standard errors (errors at most 0.014 for means, 0.046 for
   * covariances, 0.009 for shares, the largest being DPM-Solver-2 at 20 steps and, for VE, the
   * prior N(0, 50^2) ignoring the data's mean), so these bound the bias with room; a first-order
   * ODE step at 8 steps misses by far more (negative control below).
   */
  private static final MixtureSampleCheck.Allowance ALLOWANCE = new MixtureSampleCheck.Allowance(0.02, 0.05, 0.01);

  private final Map<String, Setting> settings = new HashMap<>();

  /** A model, prior noise and moment check shared by the cases of one SDE and dimension. */
  private record Setting(GaussianMixtureScore model, INDArray xT, MixtureSampleCheck check) {}

  private record Case(String sde, int dim, String label, Sampler sampler, TimeSchedule schedule, int steps) {
    @Override
    public String toString() {
      return sde + " D=" + dim + " " + label + " " + schedule.name() + " " + steps + " steps";
    }
  }

  private Setting setting(String sdeName, int dim) {
    return settings.computeIfAbsent(sdeName + dim, key -> {
      Sde sde = Sdes.create(sdeName);
      GaussianMixture mixture = GaussianMixture.random(3, dim, new Random(dim == 2 ? 11 : 12));
      GaussianMixtureScore model = new GaussianMixtureScore(mixture, sde);
      int n = dim == 2 ? 4000 : 2000;
      return new Setting(model, sde.samplePrior(n, dim, 5, DataType.DOUBLE), new MixtureSampleCheck(model.marginal(EPS)));
    });
  }

  static Stream<Case> cases() {
    TimeSchedule uniform = new UniformSchedule();
    TimeSchedule edm = new EdmSchedule();
    TimeSchedule logsnr = new LogSnrSchedule();
    Sampler pc = new PredictorCorrector(new ReverseDiffusionPredictor(), new LangevinCorrector(0.16, 1));
    Sampler pcEm = new PredictorCorrector(new EulerMaruyama(), new LangevinCorrector(0.16, 1));
    Stream<Case> d2vp = Stream.of(
        new Case("vp", 2, "euler-maruyama", new EulerMaruyama(), uniform, 200),
        new Case("vp", 2, "reverse-diffusion", new ReverseDiffusionPredictor(), uniform, 200),
        new Case("vp", 2, "pc(reverse-diffusion, langevin)", pc, uniform, 200),
        new Case("vp", 2, "pc(euler-maruyama, langevin)", pcEm, uniform, 200),
        new Case("vp", 2, "ode-euler", new ProbabilityFlowEuler(), uniform, 200),
        new Case("vp", 2, "heun", new Heun(), edm, 30),
        new Case("vp", 2, "dpm-solver-2 multistep", new DpmSolver(2), logsnr, 30),
        new Case("vp", 2, "dpm-solver-3 multistep", new DpmSolver(3), logsnr, 20),
        new Case("vp", 2, "dpm-solver-2 singlestep", new DpmSolver(2, false), logsnr, 15),
        new Case("vp", 2, "dpm-solver-3 singlestep", new DpmSolver(3, false), logsnr, 10),
        new Case("vp", 2, "ddim", new Ddim(), uniform, 200),
        new Case("vp", 2, "ddim eta=1", new Ddim(1.0), uniform, 200));
    Stream<Case> d2ve = Stream.of(
        new Case("ve", 2, "euler-maruyama", new EulerMaruyama(), uniform, 200),
        new Case("ve", 2, "pc(reverse-diffusion, langevin)", pc, uniform, 200),
        new Case("ve", 2, "heun", new Heun(), edm, 30),
        new Case("ve", 2, "dpm-solver-3 multistep", new DpmSolver(3), logsnr, 20),
        new Case("ve", 2, "ddim eta=1", new Ddim(1.0), uniform, 200));
    Stream<Case> d2subvp = Stream.of(
        new Case("subvp", 2, "reverse-diffusion", new ReverseDiffusionPredictor(), uniform, 200),
        new Case("subvp", 2, "heun", new Heun(), edm, 30),
        new Case("subvp", 2, "dpm-solver-3 multistep", new DpmSolver(3), logsnr, 20));
    Stream<Case> d10vp = Stream.of(
        new Case("vp", 10, "euler-maruyama", new EulerMaruyama(), uniform, 200),
        new Case("vp", 10, "reverse-diffusion", new ReverseDiffusionPredictor(), uniform, 200),
        new Case("vp", 10, "pc(reverse-diffusion, langevin)", pc, uniform, 200),
        new Case("vp", 10, "ode-euler", new ProbabilityFlowEuler(), uniform, 200),
        new Case("vp", 10, "heun", new Heun(), edm, 30),
        new Case("vp", 10, "dpm-solver-2 multistep", new DpmSolver(2), logsnr, 30),
        new Case("vp", 10, "dpm-solver-3 multistep", new DpmSolver(3), logsnr, 20),
        new Case("vp", 10, "dpm-solver-3 singlestep", new DpmSolver(3, false), logsnr, 10),
        new Case("vp", 10, "ddim", new Ddim(), uniform, 200),
        new Case("vp", 10, "ddim eta=1", new Ddim(1.0), uniform, 200));
    return Stream.of(d2vp, d2ve, d2subvp, d10vp).flatMap(s -> s);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void samplesMatchTheDiffusedMixture(Case c) {
    Setting s = setting(c.sde(), c.dim());
    double[] grid = c.schedule().grid(s.model().sde(), c.steps(), EPS);
    long start = System.nanoTime();
    SampleResult r = c.sampler().sample(s.model(), s.xT(), grid, 3);
    MixtureSampleCheck.Report report = s.check().check(c.toString(), r.samples(), ALLOWANCE);
    System.out.printf("%s: nfe %d, %.1f s, %s%n", c, r.nfe(), (System.nanoTime() - start) / 1e9, report);
  }

  @Test
  void aTooCoarseSamplerFailsTheSameCheck() {
    Setting s = setting("vp", 2);
    double[] grid = new LogSnrSchedule().grid(s.model().sde(), 8, EPS);
    SampleResult r = new Ddim().sample(s.model(), s.xT(), grid, 3);
    assertThrows(AssertionFailedError.class, () -> s.check().check("ddim 8 steps", r.samples(), ALLOWANCE));
  }
}
