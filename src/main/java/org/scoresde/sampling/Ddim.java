package org.scoresde.sampling;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.scoresde.score.ScoreModel;
import org.scoresde.sde.Sde;

/**
 * DDIM (Song, Meng, Ermon) for any linear SDE: from t to s, with eps_hat = -sigma_t s and
 * x0_hat = (x_t - sigma_t eps_hat) / gamma_t, x_s = gamma_s x0_hat + sqrt(sigma_s^2 - c^2) eps_hat
 * + c z, where c = eta (sigma_s / sigma_t) sqrt(sigma_t^2 - (gamma_t / gamma_s)^2 sigma_s^2) is eta
 * times the DDPM posterior's standard deviation. eta = 0 is deterministic and equals first-order
 * DPM-Solver; the last step adds no noise. Returns x_eps.
 */
public record Ddim(double eta) implements Sampler {

  public Ddim() {
    this(0.0);
  }

  public Ddim {
    if (!(eta >= 0 && eta <= 1)) {
      throw new IllegalArgumentException("DDIM eta must lie in [0, 1], got " + eta);
    }
  }

  @Override
  public String name() {
    return "ddim";
  }

  @Override
  public SampleResult sample(ScoreModel model, INDArray xT, double[] grid, long seed, TrajectoryObserver observer) {
    Grids.checkDecreasing(grid);
    Sde sde = model.sde();
    CountingScoreModel counted = new CountingScoreModel(model);
    int steps = grid.length - 1;
    INDArray out = Grids.withRandom(seed, rng -> {
      INDArray x = xT;
      for (int i = 0; i < steps; i++) {
        double t = grid[i];
        double s = grid[i + 1];
        INDArray score = counted.score(x, Grids.times(x, t));
        observer.at(t, x, score);
        double sigmaT = sde.std(t);
        double sigmaS = sde.std(s);
        double ratio = sde.meanScale(t) / sde.meanScale(s);
        double posterior = Math.sqrt(Math.max(0.0, sigmaT * sigmaT - ratio * ratio * sigmaS * sigmaS));
        double c = i + 1 < steps ? eta * sigmaS / sigmaT * posterior : 0.0;
        INDArray eps = Tweedie.noise(sde, score, t);
        INDArray x0 = Tweedie.denoise(sde, x, score, t);
        INDArray next = x0.muli(sde.meanScale(s)).addi(eps.muli(Math.sqrt(Math.max(0.0, sigmaS * sigmaS - c * c))));
        if (c > 0) {
          next.addi(Grids.gaussianLike(x, rng).muli(c));
        }
        x = next;
      }
      return x;
    });
    observer.at(grid[steps], out, null);
    return new SampleResult(out, counted.calls(), grid);
  }
}
