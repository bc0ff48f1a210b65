package org.scoresde.sampling;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.scoresde.score.ScoreModel;
import org.scoresde.sde.Sde;

/**
 * DPM-Solver (Lu et al. 2022), the exponential integrator of the probability-flow ODE for any
 * linear SDE. With lambda = log(gamma / sigma) and the noise prediction eps_hat = -sigma s, the
 * ODE's exact solution from t to s is x_s = (gamma_s / gamma_t) x_t - gamma_s int e^{-lambda}
 * eps_hat dlambda; expanding eps_hat in lambda to order k - 1 gives, with h = lambda_s - lambda_t,
 * phi_1 = e^h - 1, phi_2 = phi_1 / h - 1, phi_3 = phi_2 / h - 1/2,
 * x_s = (gamma_s / gamma_t) x_t - sigma_s (phi_1 eps + phi_2 D1 + phi_3 D2), where D1 ~ h eps'
 * and D2 ~ h^2 eps'' are finite differences. Multistep (default) takes them from the previous
 * grid points (one evaluation per step; the first steps use lower orders, and grids of fewer than
 * 10 steps drop to lower orders over the last steps as the reference does); singlestep takes them
 * from intermediate points at r = 1/2 (order 2) or 1/3, 2/3 (order 3) inside each step (order
 * evaluations per step). Order 1 is DDIM. Returns x_eps.
 */
public record DpmSolver(int order, boolean multistep) implements Sampler {

  /** Multistep of the given order. */
  public DpmSolver(int order) {
    this(order, true);
  }

  public DpmSolver {
    if (order < 1 || order > 3) {
      throw new IllegalArgumentException("DPM-Solver order must be 1, 2 or 3, got " + order);
    }
  }

  @Override
  public String name() {
    return "dpm-solver";
  }

  static double lambda(Sde sde, double t) {
    return 0.5 * sde.logSnr(t);
  }

  @Override
  public SampleResult sample(ScoreModel model, INDArray xT, double[] grid, long seed, TrajectoryObserver observer) {
    Grids.checkDecreasing(grid);
    CountingScoreModel counted = new CountingScoreModel(model);
    INDArray x = multistep ? multistep(counted, xT, grid, observer) : singlestep(counted, xT, grid, observer);
    observer.at(grid[grid.length - 1], x, null);
    return new SampleResult(x, counted.calls(), grid);
  }

  private INDArray multistep(ScoreModel model, INDArray x, double[] grid, TrajectoryObserver observer) {
    Sde sde = model.sde();
    int steps = grid.length - 1;
    INDArray[] eps = new INDArray[3];
    double[] lam = new double[3];
    for (int i = 0; i < steps; i++) {
      double t = grid[i];
      double s = grid[i + 1];
      INDArray score = model.score(x, Grids.times(x, t));
      observer.at(t, x, score);
      eps[2] = eps[1];
      eps[1] = eps[0];
      eps[0] = Tweedie.noise(sde, score, t);
      lam[2] = lam[1];
      lam[1] = lam[0];
      lam[0] = lambda(sde, t);
      int k = Math.min(order, i + 1);
      if (steps < 10) {
        k = Math.min(k, steps - i);
      }
      double h = lambda(sde, s) - lam[0];
      INDArray increment = eps[0].dup();
      if (k >= 2) {
        double r0 = (lam[0] - lam[1]) / h;
        INDArray d10 = eps[0].sub(eps[1]).divi(r0);
        if (k == 2) {
          increment.addi(d10.mul(phi2(h) / phi1(h)));
        } else {
          double r1 = (lam[1] - lam[2]) / h;
          INDArray d11 = eps[1].sub(eps[2]).divi(r1);
          INDArray diff = d10.sub(d11);
          INDArray d1 = diff.mul(r0 / (r0 + r1)).addi(d10);
          INDArray d2 = diff.muli(2.0 / (r0 + r1));
          increment.addi(d1.muli(phi2(h) / phi1(h))).addi(d2.muli(phi3(h) / phi1(h)));
        }
      }
      x = linearStep(sde, x, increment, t, s, h);
    }
    return x;
  }

  private INDArray singlestep(ScoreModel model, INDArray x, double[] grid, TrajectoryObserver observer) {
    Sde sde = model.sde();
    for (int i = 0; i + 1 < grid.length; i++) {
      double t = grid[i];
      double s = grid[i + 1];
      INDArray score = model.score(x, Grids.times(x, t));
      observer.at(t, x, score);
      INDArray e0 = Tweedie.noise(sde, score, t);
      double lt = lambda(sde, t);
      double h = lambda(sde, s) - lt;
      INDArray increment = e0.dup();
      if (order == 2) {
        double r1 = 0.5;
        double t1 = sde.timeOfLogSnr(2.0 * (lt + r1 * h));
        INDArray u1 = linearStep(sde, x, e0, t, t1, r1 * h);
        INDArray e1 = Tweedie.noise(sde, model.score(u1, Grids.times(u1, t1)), t1);
        increment.addi(e1.subi(e0).muli(phi2(h) / (r1 * phi1(h))));
      } else if (order == 3) {
        double r1 = 1.0 / 3.0;
        double r2 = 2.0 / 3.0;
        double t1 = sde.timeOfLogSnr(2.0 * (lt + r1 * h));
        double t2 = sde.timeOfLogSnr(2.0 * (lt + r2 * h));
        INDArray u1 = linearStep(sde, x, e0, t, t1, r1 * h);
        INDArray e1 = Tweedie.noise(sde, model.score(u1, Grids.times(u1, t1)), t1);
        double h2 = r2 * h;
        INDArray inc2 = e1.subi(e0).muli(r2 / r1 * phi2(h2) / phi1(h2)).addi(e0);
        INDArray u2 = linearStep(sde, x, inc2, t, t2, h2);
        INDArray e2 = Tweedie.noise(sde, model.score(u2, Grids.times(u2, t2)), t2);
        increment.addi(e2.subi(e0).muli(phi2(h) / (r2 * phi1(h))));
      }
      x = linearStep(sde, x, increment, t, s, h);
    }
    return x;
  }

  /** (gamma_s / gamma_t) x - sigma_s phi_1(h) increment. */
  static INDArray linearStep(Sde sde, INDArray x, INDArray increment, double t, double s, double h) {
    return x.mul(sde.meanScale(s) / sde.meanScale(t)).subi(increment.mul(sde.std(s) * phi1(h)));
  }

  static double phi1(double h) {
    return Math.expm1(h);
  }

  /** (e^h - 1 - h) / h, by its series for small h where the difference cancels. */
  static double phi2(double h) {
    if (Math.abs(h) < 1e-3) {
      return h / 2 + h * h / 6 + h * h * h / 24;
    }
    return (Math.expm1(h) - h) / h;
  }

  /** (e^h - 1 - h - h^2 / 2) / h^2, by its series for small h. */
  static double phi3(double h) {
    if (Math.abs(h) < 1e-2) {
      return h / 6 + h * h / 24 + h * h * h / 120;
    }
    return (Math.expm1(h) - h - 0.5 * h * h) / (h * h);
  }
}
