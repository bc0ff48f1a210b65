package org.scoresde.fp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.scoresde.nd4j.JavaArrays;
import org.scoresde.score.GaussianMixtureScore;
import org.scoresde.score.ScoreModel;
import org.scoresde.sde.Sde;
import org.scoresde.sde.Sdes;

class ScoreFokkerPlanckResidualTest {
  private static final TimeDifference SMALL_TIME = TimeDifference.central(1e-5);
  private static final double SMALL_PROBE = 1e-4;

  @Test
  void exactMixtureScoreSatisfiesTheScoreFokkerPlanckEquation() {
    Random rng = new Random(11);
    for (String name : List.of("vp", "subvp", "ve")) {
      for (int d : new int[] {2, 10}) {
        FokkerPlanckChecks.Problem p = FpFixtures.problem(Sdes.create(name), d, 6, 0.01, 1.0, rng);
        ScoreFokkerPlanckResidual.Result r = ScoreFokkerPlanckResidual.exactTrace(p.score(), SMALL_TIME, SMALL_PROBE)
            .evaluate(p.x(), p.t(), 1);
        double worst = FpFixtures.max(FpFixtures.values(r.relativeResidual()));
        // central differences with relative steps 1e-5 (t) and 1e-4 (x): truncation ~1e-8 of the terms,
        // rounding ~1e-16 / 1e-9 = 1e-7 of s at worst; measured <= 2e-8, so 1e-6 has a margin of 50
        assertTrue(worst < 1e-6, name + " D=" + d + ": |R| / term scale = " + worst);
      }
    }
  }

  @Test
  void subVpNeedsItsOwnDriftCoefficientNotHalfItsDiffusion() {
    // the derivation gives -a (s + J^T x) with a = -beta/2; sub-VP's g^2 / 2 differs from beta / 2, and using it
    // (the VP form of the equation) leaves an O(1) residual: the check that the derivation matters
    Random rng = new Random(12);
    Sde subvp = Sdes.create("subvp");
    FokkerPlanckChecks.Problem p = FpFixtures.problem(subvp, 2, 4, 0.02, 0.3, rng);
    ScoreFokkerPlanckResidual.Result r = ScoreFokkerPlanckResidual.exactTrace(p.score(), SMALL_TIME, SMALL_PROBE)
        .evaluate(p.x(), p.t(), 1);
    double[] t = FpFixtures.values(p.t());
    for (int i = 0; i < t.length; i++) {
      double a = subvp.driftCoefficient(t[i]);
      double g2 = subvp.diffusionSquared(t[i]);
      // the VP form puts (g^2/2)(s + J^T x) where the derivation has -a (s + J^T x): the drift term times (g^2/2) / (-a)
      INDArray wrongDrift = r.driftTerm().getRow(i).mul(0.5 * g2 / -a);
      INDArray wrong = r.residual().getRow(i).add(r.driftTerm().getRow(i)).sub(wrongDrift);
      double rel = wrong.norm2Number().doubleValue() / FpFixtures.termScale(r, i, 2);
      assertTrue(rel > 1e-2, "the VP form should not hold for sub-VP at t = " + t[i] + ": " + rel);
    }
  }

  @Test
  void gradientOfDivergenceFromProbeDifferencesMatchesDifferencesOfTheExactDivergence() {
    // grad div s = sum_k d/de J^T(x + e e_k) e_k (derivatives commute) against a central difference, coordinate
    // by coordinate, of GaussianMixtureScore.divergence: two independent routes to the third derivatives
    Random rng = new Random(13);
    for (String name : List.of("vp", "ve")) {
      int d = 3;
      FokkerPlanckChecks.Problem p = FpFixtures.problem(Sdes.create(name), d, 4, 0.05, 0.9, rng);
      GaussianMixtureScore score = p.score();
      ScoreFokkerPlanckResidual.Result r = ScoreFokkerPlanckResidual.exactTrace(score, SMALL_TIME, SMALL_PROBE)
          .evaluate(p.x(), p.t(), 1);
      double[] x = FpFixtures.values(p.x());
      double[] t = FpFixtures.values(p.t());
      for (int i = 0; i < t.length; i++) {
        double sigma = score.sde().std(t[i]);
        double g2 = score.sde().diffusionSquared(t[i]);
        double h = 1e-4 * sigma;
        double[] fd = new double[d];
        for (int k = 0; k < d; k++) {
          double[] plus = java.util.Arrays.copyOfRange(x, i * d, (i + 1) * d);
          double[] minus = plus.clone();
          plus[k] += h;
          minus[k] -= h;
          INDArray ti = JavaArrays.vector(new double[] {t[i]}, DataType.DOUBLE);
          fd[k] = 0.5 * g2 * (score.divergence(JavaArrays.matrix(plus, 1, d, DataType.DOUBLE), ti).getDouble(0)
              - score.divergence(JavaArrays.matrix(minus, 1, d, DataType.DOUBLE), ti).getDouble(0)) / (2 * h);
        }
        double[] term = FpFixtures.values(r.divergenceTerm().getRow(i));
        double err = 0;
        for (int k = 0; k < d; k++) {
          err = Math.max(err, Math.abs(term[k] - fd[k]));
        }
        // both are second-order differences with relative step 1e-4: ~1e-8 of the term scale each
        assertTrue(err < 1e-6 * FpFixtures.termScale(r, i, d), name + " point " + i + ": " + err);
      }
    }
  }

  @Test
  void discretisationErrorIsSecondOrderInTheSteps() {
    Random rng = new Random(14);
    for (String name : List.of("vp", "subvp", "ve")) {
      FokkerPlanckChecks.Problem p = FpFixtures.problem(Sdes.create(name), 2, 6, 0.05, 0.95, rng);
      double coarse = residualNorm(p, 2e-3, 2e-2);
      double fine = residualNorm(p, 1e-3, 1e-2);
      // halving both steps of a second-order scheme divides the error by 4 (higher orders move it by a few %)
      assertEquals(4.0, coarse / fine, 0.4, name + ": " + coarse + " -> " + fine);
    }
  }

  private static double residualNorm(FokkerPlanckChecks.Problem p, double timeStep, double probeStep) {
    INDArray r = ScoreFokkerPlanckResidual.exactTrace(p.score(), TimeDifference.central(timeStep), probeStep)
        .evaluate(p.x(), p.t(), 1).residual();
    return r.norm2Number().doubleValue();
  }

  @Test
  void perturbedScoresLeaveResidualsOrdersOfMagnitudeLarger() {
    Random rng = new Random(15);
    for (String name : List.of("vp", "subvp", "ve")) {
      for (int d : new int[] {2, 10}) {
        FokkerPlanckChecks.Problem p = FpFixtures.problem(Sdes.create(name), d, 8, 0.01, 1.0, rng);
        double exact = FpFixtures.max(relative(p.score(), p));
        ScoreModel rotated = new RotationPerturbedScore(p.score(), RotationPerturbedScore.randomRotation(d, rng), 0.1);
        ScoreModel warped = new TimeWarpedScore(p.score(), 0.05);
        double rot = FpFixtures.median(relative(rotated, p));
        double warp = FpFixtures.median(relative(warped, p));
        // exact: <= ~1e-8 (see above); a 10% rotation or a 5% time warp: >= ~1e-4 of the terms, measured
        assertTrue(rot > 1e3 * exact, name + " D=" + d + " rotation: " + rot + " vs exact " + exact);
        assertTrue(warp > 1e3 * exact, name + " D=" + d + " time warp: " + warp + " vs exact " + exact);
      }
    }
  }

  private static double[] relative(ScoreModel model, FokkerPlanckChecks.Problem p) {
    return FpFixtures.values(ScoreFokkerPlanckResidual.exactTrace(model, SMALL_TIME, SMALL_PROBE)
        .evaluate(p.x(), p.t(), 1).relativeResidual());
  }

  @Test
  void hutchinsonProbesAreUnbiasedForTheGradientOfTheDivergence() {
    Random rng = new Random(16);
    int d = 3;
    int draws = 2000;
    FokkerPlanckChecks.Problem one = FpFixtures.problem(Sdes.create("vp"), d, 1, 0.2, 0.6, rng);
    double[] exact = FpFixtures.values(ScoreFokkerPlanckResidual.exactTrace(one.score(), SMALL_TIME, SMALL_PROBE)
        .evaluate(one.x(), one.t(), 1).divergenceTerm());
    INDArray x = one.x().repeat(0, draws);
    INDArray t = one.t().repeat(0, draws);
    double[] est = FpFixtures.values(new ScoreFokkerPlanckResidual(one.score(), SMALL_TIME, ProbeDistribution.RADEMACHER, 1,
        SMALL_PROBE).evaluate(x, t, 99).divergenceTerm());
    for (int k = 0; k < d; k++) {
      double[] column = new double[draws];
      for (int i = 0; i < draws; i++) {
        column[i] = est[i * d + k];
      }
      double mean = FokkerPlanckChecks.mean(column);
      double se = FokkerPlanckChecks.standardError(column);
      // the mean of 2000 independent draws is normal to a good approximation: 4.5 standard errors fail w.p. 7e-6
      assertTrue(Math.abs(mean - exact[k]) < 4.5 * se, "coordinate " + k + ": " + mean + " vs " + exact[k] + " se " + se);
      assertTrue(se > 0, "Rademacher probes should vary the estimate");
    }
  }

  @Test
  void penaltyIsTheWeightedSquaredResidualOverDSquared() {
    Random rng = new Random(17);
    Sde ve = Sdes.create("ve");
    int d = 4;
    FokkerPlanckChecks.Problem p = FpFixtures.problem(ve, d, 3, 0.1, 0.9, rng);
    ScoreModel rotated = new RotationPerturbedScore(p.score(), RotationPerturbedScore.randomRotation(d, rng), 0.1);
    ScoreFokkerPlanckResidual.Result r = ScoreFokkerPlanckResidual.exactTrace(rotated, SMALL_TIME, SMALL_PROBE)
        .evaluate(p.x(), p.t(), 1);
    double[] t = FpFixtures.values(p.t());
    double[] penalty = FpFixtures.values(r.penalty());
    for (int i = 0; i < t.length; i++) {
      double norm = r.residual().getRow(i).norm2Number().doubleValue();
      assertEquals(ve.diffusionSquared(t[i]) * norm * norm / (d * d), penalty[i], 1e-12 * penalty[i]);
    }
  }
}
