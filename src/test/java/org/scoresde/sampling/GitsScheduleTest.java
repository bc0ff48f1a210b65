package org.scoresde.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.scoresde.score.GaussianMixture;
import org.scoresde.score.GaussianMixtureScore;
import org.scoresde.sde.Sde;
import org.scoresde.sde.Sdes;
import org.scoresde.sde.VpSde;

/**
 * The dynamic program finds the cheapest path, the costs are what they say, and on the exact
 * mixture score the fitted grid brings DDIM closer to the teacher's endpoints than the uniform,
 * log-SNR and EDM grids with the same number of steps (on noise not used for fitting).
 */
class GitsScheduleTest {
  private static final double EPS = 1e-3;

  @Test
  void dynamicProgrammingFindsTheCheapestPath() {
    Random rng = new Random(5);
    for (int trial = 0; trial < 20; trial++) {
      int m = 9;
      double[][] c = new double[m + 1][m + 1];
      for (int i = 0; i <= m; i++) {
        for (int j = 0; j <= m; j++) {
          c[i][j] = j > i ? rng.nextDouble() * (j - i) : Double.POSITIVE_INFINITY;
        }
      }
      for (int k = 1; k <= m; k++) {
        int[] path = GitsSchedule.optimalPath(c, k);
        assertEquals(0, path[0]);
        assertEquals(m, path[k]);
        double best = bruteForce(c, 0, m, k);
        // the same sums in a different order: rounding only
        assertEquals(best, cost(c, path), 1e-12, "trial " + trial + ", " + k + " steps");
      }
    }
    assertThrows(IllegalArgumentException.class, () -> GitsSchedule.optimalPath(new double[4][4], 4));
    assertThrows(IllegalArgumentException.class, () -> GitsSchedule.optimalPath(new double[4][4], 0));
  }

  private static double cost(double[][] c, int[] path) {
    double s = 0;
    for (int k = 1; k < path.length; k++) {
      assertTrue(path[k] > path[k - 1]);
      s += c[path[k - 1]][path[k]];
    }
    return s;
  }

  /** The least cost of going from i to m in exactly k steps, by enumerating every path. */
  private static double bruteForce(double[][] c, int i, int m, int k) {
    if (k == 1) {
      return c[i][m];
    }
    double best = Double.POSITIVE_INFINITY;
    for (int j = i + 1; j <= m - (k - 1); j++) {
      best = Math.min(best, c[i][j] + bruteForce(c, j, m, k - 1));
    }
    return best;
  }

  @Test
  void costsAreOneStepErrorsAgainstTheTeacher() {
    Sde sde = new VpSde();
    GaussianMixtureScore model = new GaussianMixtureScore(GaussianMixture.random(3, 2, new Random(11)), sde);
    INDArray noise = sde.samplePrior(64, 2, 1, DataType.DOUBLE);
    GitsSchedule gits = new GitsSchedule(model, noise, 20);
    double[][] c = gits.costs(EPS);
    double[] tau = gits.teacherGrid(EPS);
    TrajectoryRecorder teacher = new TrajectoryRecorder(model, 64);
    new DpmSolver(3).sample(model, noise, tau, 0, teacher);
    // c[3][7] recomputed directly: DDIM from the teacher's x at tau_3 to tau_7
    INDArray jump = new Ddim().sample(model, teacher.states().get(3), new double[] {tau[3], tau[7]}, 0).samples();
    double sq = Math.pow(jump.sub(teacher.states().get(7)).norm2Number().doubleValue(), 2) / 64;
    double scale = Math.pow(sde.meanScale(tau[7]), 2) + Math.pow(sde.std(tau[7]), 2);
    assertEquals(sq / scale, c[3][7], 1e-9 * sq / scale);
    assertEquals(Double.POSITIVE_INFINITY, c[7][3]);
    // one step along the teacher's own grid is cheaper than a jump over it
    assertTrue(c[3][4] < c[3][7]);
  }

  @Test
  void fittedGridBeatsFixedGridsAtEqualSteps() {
    Sde sde = Sdes.create("vp");
    GaussianMixtureScore model = new GaussianMixtureScore(GaussianMixture.random(3, 2, new Random(11)), sde);
    GitsSchedule gits = new GitsSchedule(model, sde.samplePrior(256, 2, 1, DataType.DOUBLE), 100);
    INDArray fresh = sde.samplePrior(1000, 2, 2, DataType.DOUBLE);
    INDArray target = new DpmSolver(3).sample(model, fresh, gits.teacherGrid(EPS), 0).samples();
    for (int k : new int[] {5, 8}) {
      double[] grid = gits.grid(sde, k, EPS);
      assertEquals(k + 1, grid.length);
      assertEquals(sde.horizon(), grid[0], 0.0);
      assertEquals(EPS, grid[k], 0.0);
      double eGits = error(model, fresh, grid, target);
      double eUniform = error(model, fresh, new UniformSchedule().grid(sde, k, EPS), target);
      double eLogSnr = error(model, fresh, new LogSnrSchedule().grid(sde, k, EPS), target);
      double eEdm = error(model, fresh, new EdmSchedule().grid(sde, k, EPS), target);
      System.out.printf("K=%d DDIM rms error to the teacher: gits %.4f uniform %.4f logsnr %.4f edm %.4f; grid %s%n",
          k, eGits, eUniform, eLogSnr, eEdm, java.util.Arrays.toString(grid));
      // measured: K=5 0.266 against 0.408 / 0.532 / 0.633; K=8 0.192 against 0.227 / 0.357 / 0.375
      assertTrue(eGits < eUniform, "K = " + k + ": GITS " + eGits + " vs uniform " + eUniform);
      assertTrue(eGits < eLogSnr, "K = " + k + ": GITS " + eGits + " vs log-SNR " + eLogSnr);
      assertTrue(eGits < eEdm, "K = " + k + ": GITS " + eGits + " vs EDM " + eEdm);
    }
    assertThrows(IllegalArgumentException.class, () -> gits.grid(Sdes.create("ve"), 5, EPS));
  }

  private static double error(GaussianMixtureScore model, INDArray xT, double[] grid, INDArray target) {
    INDArray out = new Ddim().sample(model, xT, grid, 0).samples();
    return out.sub(target).norm2Number().doubleValue() / Math.sqrt(xT.size(0));
  }
}
