package org.scoresde.fp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.scoresde.nd4j.JavaArrays;
import org.scoresde.score.ScoreModel;
import org.scoresde.sde.Sde;
import org.scoresde.sde.Sdes;

class FokkerPlanckPenaltyTest {
  private static final TimeDifference SMALL_TIME = new TimeDifference(1e-4, 5e-5, 0.01);
  private static final double SMALL_STEP = 1e-3;

  private static FokkerPlanckStencil basisStencil(Sde sde, TimeDifference time, double step) {
    return new FokkerPlanckStencil(sde, time, step, step, ProbeDistribution.RADEMACHER, ProbeDistribution.BASIS, 0);
  }

  @Test
  void gradientMatchesCentralDifferencesOfTheValue() {
    Random rng = new Random(21);
    for (String name : List.of("vp", "subvp", "ve")) {
      Sde sde = Sdes.create(name);
      FokkerPlanckChecks.Problem p = FpFixtures.problem(sde, 4, 3, 0.02, 1.0, rng);
      FokkerPlanckStencil st = new FokkerPlanckStencil(sde, TimeDifference.reference(), 0.05, 0.05,
          ProbeDistribution.GAUSSIAN, ProbeDistribution.RADEMACHER, 2);
      FokkerPlanckStencil.Batch b = st.build(p.x(), p.t(), null, null, rng.nextLong());
      double[] o = FpFixtures.values(FokkerPlanckStencil.outputsOf(p.score(), b));
      for (int j = 0; j < o.length; j++) {
        o[j] += 0.5 * rng.nextGaussian();
      }
      INDArray outputs = JavaArrays.matrix(o, b.groups().rows(), 4, DataType.DOUBLE);
      for (boolean unbiased : new boolean[] {false, true}) {
        for (double scalar : new double[] {0.0, 0.3}) {
          FokkerPlanckPenalty pen = new FokkerPlanckPenalty(sde, b.groups(), 0.15, scalar, unbiased);
          double err = PenaltyGradients.maxRelativeError(pen, outputs);
          // a degree-4 polynomial of the outputs: central differences at relative step 1e-5 are exact to ~1e-10
          assertTrue(err < 1e-6, name + " unbiased=" + unbiased + " scalar=" + scalar + ": " + err);
        }
      }
    }
  }

  @Test
  void examplesBelowTheSmallestTimeCarryNoPenaltyNorGradient() {
    Random rng = new Random(23);
    Sde vp = Sdes.create("vp");
    FokkerPlanckChecks.Problem p = FpFixtures.problem(vp, 3, 2, 0.1, 0.9, rng);
    FokkerPlanckStencil.Batch b = FokkerPlanckStencil.defaults(vp).build(p.x(), p.t(), null, null, 5);
    double[] o = FpFixtures.values(FokkerPlanckStencil.outputsOf(p.score(), b));
    for (int j = 0; j < o.length; j++) {
      o[j] += 0.5 * rng.nextGaussian();
    }
    int d = b.groups().d();
    INDArray outputs = JavaArrays.matrix(o, b.groups().rows(), d, DataType.DOUBLE);
    double[] all = new FokkerPlanckPenalty(vp, b.groups(), 1, 0, false).perExample(outputs);
    double[] t = b.groups().time();
    double cut = 0.5 * (t[0] + t[1]);
    int below = t[0] < t[1] ? 0 : 1;
    FokkerPlanckPenalty restricted = new FokkerPlanckPenalty(vp, b.groups(), 1, 0, false, cut);
    double[] some = restricted.perExample(outputs);
    double expected = 0;
    for (int i = 0; i < all.length; i++) {
      assertEquals(b.groups().time()[i] >= cut ? all[i] : 0.0, some[i]);
      expected += some[i];
    }
    assertEquals(expected / all.length, restricted.value(outputs), 1e-12 * Math.abs(expected));
    assertTrue(PenaltyGradients.maxRelativeError(restricted, outputs) < 1e-6);
    double[] g = FpFixtures.values(restricted.gradient(outputs));
    int rows = b.groups().rows() / b.groups().n();
    for (int j = below * rows * d; j < (below + 1) * rows * d; j++) {
      assertEquals(0.0, g[j], "row " + j / d + " of the group below the smallest time");
    }
    assertEquals(0.0, some[below]);
    assertTrue(some[1 - below] != 0.0);
  }

  @Test
  void gradientComesBackInTheOutputsType() {
    Random rng = new Random(22);
    Sde vp = Sdes.create("vp");
    FokkerPlanckChecks.Problem p = FpFixtures.problem(vp, 3, 2, 0.1, 0.9, rng);
    FokkerPlanckStencil.Batch b = FokkerPlanckStencil.defaults(vp).build(p.x().castTo(DataType.FLOAT),
        p.t().castTo(DataType.FLOAT), null, null, 1);
    INDArray outputs = FokkerPlanckStencil.outputsOf(p.score(), b);
    assertEquals(DataType.FLOAT, outputs.dataType());
    assertEquals(DataType.FLOAT, new FokkerPlanckPenalty(vp, b.groups(), 1, 0, false).gradient(outputs).dataType());
  }

  @Test
  void exactScoreGivesAProjectedResidualAtTheDiscretisationErrorOnly() {
    Random rng = new Random(23);
    for (String name : List.of("vp", "subvp", "ve")) {
      for (int d : new int[] {2, 10}) {
        Sde sde = Sdes.create(name);
        FokkerPlanckChecks.Problem p = FpFixtures.problem(sde, d, 6, 0.01, 1.0, rng);
        FokkerPlanckStencil.Batch b = basisStencil(sde, SMALL_TIME, SMALL_STEP).build(p.x(), p.t(), null, null, 1);
        double[] r = new FokkerPlanckPenalty(sde, b.groups(), 1, 0, false)
            .projectedResidual(FokkerPlanckStencil.outputsOf(p.score(), b));
        double[] scale = projectedScale(p.score(), p, b.groups());
        for (int i = 0; i < r.length; i++) {
          // second order in steps of 1e-4 (t) and 1e-3 sigma_t (x): measured <= 2e-6 of |u| times the terms
          assertTrue(Math.abs(r[i]) < 1e-4 * scale[i], name + " D=" + d + " example " + i + ": " + r[i] / scale[i]);
        }
      }
    }
  }

  @Test
  void stencilResidualIsTheProjectionOfTheFullResidualEvenForANonConservativeScore() {
    Random rng = new Random(24);
    for (String name : List.of("vp", "subvp", "ve")) {
      int d = 5;
      Sde sde = Sdes.create(name);
      FokkerPlanckChecks.Problem p = FpFixtures.problem(sde, d, 5, 0.05, 1.0, rng);
      ScoreModel rotated = new RotationPerturbedScore(p.score(), RotationPerturbedScore.randomRotation(d, rng), 0.2);
      FokkerPlanckStencil.Batch b = basisStencil(sde, SMALL_TIME, SMALL_STEP).build(p.x(), p.t(), null, null, 2);
      double[] r = new FokkerPlanckPenalty(sde, b.groups(), 1, 0, false).projectedResidual(FokkerPlanckStencil.outputsOf(rotated, b));
      ScoreFokkerPlanckResidual.Result full = ScoreFokkerPlanckResidual.exactTrace(rotated, TimeDifference.central(1e-5), 1e-4)
          .evaluate(p.x(), p.t(), 1);
      double[] res = FpFixtures.values(full.residual());
      StencilGroups g = b.groups();
      double[] scale = projectedScale(rotated, p, g);
      double largest = 0;
      for (int i = 0; i < r.length; i++) {
        double projected = Rows.dot(g.direction(), i * d, res, i * d, d);
        largest = Math.max(largest, Math.abs(projected) / scale[i]);
        // both discretise the same u.R to second order with small steps: they agree to ~1e-6 of the scale
        assertTrue(Math.abs(r[i] - projected) < 1e-4 * scale[i], name + " example " + i + ": " + r[i] + " vs " + projected);
      }
      // a 20% rotation leaves u.R of ~1e-2 of the scale somewhere (it vanishes near x = 0 and where u is orthogonal to R)
      assertTrue(largest > 1e-3, name + ": the rotation should leave a visible projected residual, largest " + largest);
    }
  }

  @Test
  void stencilDiscretisationErrorIsSecondOrder() {
    Random rng = new Random(25);
    for (String name : List.of("vp", "ve")) {
      Sde sde = Sdes.create(name);
      FokkerPlanckChecks.Problem p = FpFixtures.problem(sde, 3, 6, 0.1, 0.9, rng);
      double coarse = projectedNorm(sde, p, new TimeDifference(4e-3, 2e-3, 0.5), 4e-2);
      double fine = projectedNorm(sde, p, new TimeDifference(2e-3, 1e-3, 0.5), 2e-2);
      // halving every step of a second-order scheme divides the error by 4, up to higher-order terms
      assertEquals(4.0, coarse / fine, 0.5, name + ": " + coarse + " -> " + fine);
    }
  }

  private static double projectedNorm(Sde sde, FokkerPlanckChecks.Problem p, TimeDifference time, double step) {
    FokkerPlanckStencil.Batch b = basisStencil(sde, time, step).build(p.x(), p.t(), null, null, 3);
    double[] r = new FokkerPlanckPenalty(sde, b.groups(), 1, 0, false).projectedResidual(FokkerPlanckStencil.outputsOf(p.score(), b));
    double s = 0;
    for (double v : r) {
      s += v * v;
    }
    return Math.sqrt(s);
  }

  @Test
  void scalarTermMatchesItsExactValue() {
    Random rng = new Random(26);
    for (String name : List.of("vp", "subvp", "ve")) {
      Sde sde = Sdes.create(name);
      int d = 3;
      FokkerPlanckChecks.Problem p = FpFixtures.problem(sde, d, 4, 0.05, 1.0, rng);
      FokkerPlanckStencil.Batch b = basisStencil(sde, SMALL_TIME, SMALL_STEP).build(p.x(), p.t(), null, null, 4);
      double[] scalar = new FokkerPlanckPenalty(sde, b.groups(), 1, 1, false).scalarTerm(FokkerPlanckStencil.outputsOf(p.score(), b));
      double[] s = FpFixtures.values(p.score().score(p.x(), p.t()));
      double[] div = FpFixtures.values(p.score().divergence(p.x(), p.t()));
      double[] x = FpFixtures.values(p.x());
      double[] t = FpFixtures.values(p.t());
      for (int i = 0; i < t.length; i++) {
        double a = sde.driftCoefficient(t[i]);
        double g2 = sde.diffusionSquared(t[i]);
        double ss = Rows.dot(s, i * d, s, i * d, d);
        double xs = Rows.dot(x, i * d, s, i * d, d);
        double exact = -a * xs + 0.5 * g2 * (div[i] + ss);
        double size = Math.abs(a * xs) + 0.5 * g2 * (Math.abs(div[i]) + ss);
        // the divergence from the probe quadruples is off by O(delta^2) = 1e-6 sigma_t^2 relative
        assertEquals(exact, scalar[i], 1e-5 * size, name + " example " + i);
      }
    }
  }

  @Test
  void valueCombinesAlphaMeanPenaltyAndScalarNorm() {
    Random rng = new Random(27);
    Sde vp = Sdes.create("vp");
    FokkerPlanckChecks.Problem p = FpFixtures.problem(vp, 2, 5, 0.1, 0.9, rng);
    ScoreModel rotated = new RotationPerturbedScore(p.score(), RotationPerturbedScore.randomRotation(2, rng), 0.1);
    FokkerPlanckStencil.Batch b = FokkerPlanckStencil.defaults(vp).build(p.x(), p.t(), null, null, 5);
    INDArray o = FokkerPlanckStencil.outputsOf(rotated, b);
    FokkerPlanckPenalty pen = new FokkerPlanckPenalty(vp, b.groups(), 0.15, 0.02, false);
    double[] per = pen.perExample(o);
    double[] r = pen.projectedResidual(o);
    double[] sc = pen.scalarTerm(o);
    double[] t = b.groups().time();
    double mean = 0;
    double norm = 0;
    for (int i = 0; i < per.length; i++) {
      assertEquals(vp.diffusionSquared(t[i]) * r[i] * r[i] / 4.0, per[i], 1e-12 * per[i]);
      mean += per[i] / per.length;
      norm += sc[i] * sc[i];
    }
    assertEquals(0.15 * mean + 0.02 * Math.sqrt(norm), pen.value(o), 1e-12 * pen.value(o));
  }

  @Test
  void unbiasedFormNeedsTwoProbes() {
    Sde vp = Sdes.create("vp");
    FokkerPlanckStencil.Batch b = FokkerPlanckStencil.defaults(vp).build(JavaArrays.matrix(new double[2], 1, 2, DataType.DOUBLE),
        JavaArrays.vector(new double[] {0.5}, DataType.DOUBLE), null, null, 1);
    assertThrows(IllegalArgumentException.class, () -> new FokkerPlanckPenalty(vp, b.groups(), 1, 0, true));
  }

  /** |u_i| times the largest term norm of the model's residual at example i. */
  private static double[] projectedScale(ScoreModel model, FokkerPlanckChecks.Problem p, StencilGroups g) {
    ScoreFokkerPlanckResidual.Result r = ScoreFokkerPlanckResidual.exactTrace(model, TimeDifference.central(1e-5), 1e-4)
        .evaluate(p.x(), p.t(), 1);
    double[] out = new double[g.n()];
    for (int i = 0; i < g.n(); i++) {
      out[i] = FpFixtures.termScale(r, i, g.d()) * Rows.norm(g.direction(), i * g.d(), g.d());
    }
    return out;
  }
}
