package org.scoresde.sampling;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.scoresde.score.ScoreModel;
import org.scoresde.sde.Sde;

/**
 * GITS (Chen et al., "On the Trajectory Regularity of ODE-based Diffusion Sampling", 2024): a
 * time grid fitted to one model by dynamic programming. A teacher solves the probability-flow ODE
 * accurately on a fine grid tau_0 = T > ... > tau_M = eps for a batch of prior noise; the cost of
 * jumping from tau_i to tau_j is the mean squared distance between one DDIM (first-order
 * DPM-Solver) step from the teacher's x_{tau_i} and the teacher's x_{tau_j}, measured in units of
 * the marginal scale sqrt(gamma^2 + sigma^2) at tau_j (plain x for VP; for VE it keeps the
 * high-noise end from swamping the cost, as EDM's input scaling does); the K-step path from T to eps
 * with the least total cost is the grid. The DDIM jumps reuse the teacher's score evaluations, so
 * building costs the teacher's M evaluations on the batch (plus one to record the last point).
 * Each call to {@link #grid} reruns the teacher; keep the double[] it returns to reuse the grid.
 */
public final class GitsSchedule implements TimeSchedule {
  private final ScoreModel model;
  private final INDArray noise;
  private final int teacherSteps;
  private final Sampler teacher;
  private final TimeSchedule teacherSchedule;

  /**
   * Fits to {@code model} using prior noise {@code noise} [B, D] and a teacher of the given
   * third-order multistep DPM-Solver steps on a grid uniform in log-SNR.
   */
  public GitsSchedule(ScoreModel model, INDArray noise, int teacherSteps) {
    this(model, noise, teacherSteps, new DpmSolver(3), new LogSnrSchedule());
  }

  /** As above with a chosen deterministic teacher sampler and fine grid. */
  public GitsSchedule(ScoreModel model, INDArray noise, int teacherSteps, Sampler teacher, TimeSchedule teacherSchedule) {
    if (teacherSteps < 2) {
      throw new IllegalArgumentException("GITS needs a teacher grid of at least 2 steps, got " + teacherSteps);
    }
    this.model = model;
    this.noise = noise;
    this.teacherSteps = teacherSteps;
    this.teacher = teacher;
    this.teacherSchedule = teacherSchedule;
  }

  @Override
  public String name() {
    return "gits";
  }

  /** The teacher's fine grid down to eps: the times GITS chooses from. */
  public double[] teacherGrid(double eps) {
    return teacherSchedule.grid(model.sde(), teacherSteps, eps);
  }

  /**
   * c[i][j] for i < j on the teacher grid (infinite elsewhere): the mean over the noise batch of
   * |DDIM(x_{tau_i}, tau_i -> tau_j) - x_{tau_j}|^2 / (gamma_j^2 + sigma_j^2).
   */
  public double[][] costs(double eps) {
    Sde sde = model.sde();
    double[] tau = teacherGrid(eps);
    TrajectoryRecorder run = new TrajectoryRecorder(model, (int) noise.size(0));
    teacher.sample(model, noise, tau, 0L, run);
    List<INDArray> xs = run.states();
    List<INDArray> x0s = run.denoised();
    int m = tau.length - 1;
    long batch = noise.size(0);
    long width = noise.length();
    INDArray path = Nd4j.createUninitialized(noise.dataType(), m + 1, width);
    for (int j = 0; j <= m; j++) {
      path.putRow(j, xs.get(j).dup('c').reshape(1, width));
    }
    double[][] c = new double[m + 1][m + 1];
    for (double[] row : c) {
      java.util.Arrays.fill(row, Double.POSITIVE_INFINITY);
    }
    for (int i = 0; i < m; i++) {
      int count = m - i;
      INDArray gammas = Nd4j.createUninitialized(noise.dataType(), count, 1);
      INDArray sigmas = Nd4j.createUninitialized(noise.dataType(), count, 1);
      for (int j = i + 1; j <= m; j++) {
        gammas.putScalar(j - i - 1, 0, sde.meanScale(tau[j]));
        sigmas.putScalar(j - i - 1, 0, sde.std(tau[j]));
      }
      INDArray x0 = x0s.get(i).dup('c');
      INDArray eps0 = xs.get(i).sub(x0.mul(sde.meanScale(tau[i]))).divi(sde.std(tau[i]));
      INDArray jumps = gammas.mmul(x0.reshape(1, width)).addi(sigmas.mmul(eps0.reshape(1, width)));
      INDArray err = jumps.subi(path.get(NDArrayIndex.interval(i + 1, m + 1), NDArrayIndex.all()));
      INDArray sq = err.muli(err).sum(1);
      for (int j = i + 1; j <= m; j++) {
        double g = gammas.getDouble(j - i - 1, 0);
        double sd = sigmas.getDouble(j - i - 1, 0);
        c[i][j] = sq.getDouble(j - i - 1) / batch / (g * g + sd * sd);
      }
    }
    return c;
  }

  /**
   * The indices 0 = p_0 < p_1 < ... < p_K = M of the K-step path through the cost matrix (M + 1
   * square, c[i][j] the cost of the step i -> j) with the least total cost.
   */
  public static int[] optimalPath(double[][] cost, int steps) {
    int m = cost.length - 1;
    if (steps < 1 || steps > m) {
      throw new IllegalArgumentException("GITS can take 1 to " + m + " steps on a " + m + "-step teacher grid, got " + steps);
    }
    double[][] best = new double[steps + 1][m + 1];
    int[][] from = new int[steps + 1][m + 1];
    for (double[] row : best) {
      java.util.Arrays.fill(row, Double.POSITIVE_INFINITY);
    }
    best[0][0] = 0.0;
    for (int k = 1; k <= steps; k++) {
      for (int j = k; j <= m; j++) {
        for (int i = k - 1; i < j; i++) {
          double v = best[k - 1][i] + cost[i][j];
          if (v < best[k][j]) {
            best[k][j] = v;
            from[k][j] = i;
          }
        }
      }
    }
    int[] path = new int[steps + 1];
    path[steps] = m;
    for (int k = steps; k > 0; k--) {
      path[k - 1] = from[k][path[k]];
    }
    return path;
  }

  @Override
  public double[] grid(Sde sde, int steps, double eps) {
    TimeSchedule.checkArguments(sde, steps, eps);
    if (!sde.name().equals(model.sde().name()) || !sde.parameters().equals(model.sde().parameters())) {
      throw new IllegalArgumentException("GITS was fitted to " + model.sde() + ", not " + sde);
    }
    double[] tau = teacherGrid(eps);
    int[] path = optimalPath(costs(eps), steps);
    double[] t = new double[steps + 1];
    for (int k = 0; k <= steps; k++) {
      t[k] = tau[path[k]];
    }
    return t;
  }
}
