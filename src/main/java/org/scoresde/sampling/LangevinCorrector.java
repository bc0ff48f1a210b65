package org.scoresde.sampling;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.scoresde.score.ScoreModel;

/**
 * score_sde's Langevin corrector: {@code steps} unadjusted Langevin moves x += e s + sqrt(2 e) z,
 * with the step e = 2 alpha (snr ||z|| / ||s||)^2 set from the signal-to-noise ratio {@code snr}
 * (norms per row, averaged over the batch) and alpha = (gamma_t / gamma_s)^2 (DDPM's 1 - beta_i;
 * 1 for VE). A batch whose score vanishes everywhere is left where it is.
 */
public record LangevinCorrector(double snr, int steps) implements Corrector {

  /** score_sde's defaults: snr 0.16, one step. */
  public LangevinCorrector() {
    this(0.16, 1);
  }

  public LangevinCorrector {
    if (!(snr > 0) || steps < 1) {
      throw new IllegalArgumentException("Langevin corrector needs snr > 0 and steps >= 1, got " + snr + ", " + steps);
    }
  }

  @Override
  public String name() {
    return "langevin";
  }

  @Override
  public Predictor.Step correct(ScoreModel model, INDArray x, double t, double s, Random rng) {
    double ratio = model.sde().meanScale(t) / model.sde().meanScale(s);
    double alpha = ratio * ratio;
    INDArray tv = Grids.times(x, t);
    INDArray mean = x;
    for (int k = 0; k < steps; k++) {
      INDArray score = model.score(x, tv);
      INDArray z = Grids.gaussianLike(x, rng);
      double gradNorm = score.norm2(1).meanNumber().doubleValue();
      double noiseNorm = z.norm2(1).meanNumber().doubleValue();
      if (!(gradNorm > 0)) {
        break;
      }
      double ratioNorm = snr * noiseNorm / gradNorm;
      double e = 2.0 * alpha * ratioNorm * ratioNorm;
      mean = x.add(score.muli(e));
      x = z.muli(Math.sqrt(2.0 * e)).addi(mean);
    }
    return new Predictor.Step(x, mean);
  }
}
