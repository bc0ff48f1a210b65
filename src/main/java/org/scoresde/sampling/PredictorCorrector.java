package org.scoresde.sampling;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.scoresde.score.ScoreModel;

/**
 * Song et al.'s predictor-corrector sampler: at each grid time t_i (i < K) the corrector moves x
 * towards p_{t_i}, then the predictor steps to t_{i+1}. It returns the mean of the last predictor
 * step, as score_sde does ("noise removal"): the last step adds no noise. Without a corrector it
 * is the plain predictor chain. Recorded states are those on arrival at each grid time, before
 * the corrector moves them.
 */
public final class PredictorCorrector implements Sampler {
  private static final long serialVersionUID = 1L;
  private final Predictor predictor;
  private final Corrector corrector;

  public PredictorCorrector(Predictor predictor, Corrector corrector) {
    if (predictor == null || corrector == null) {
      throw new IllegalArgumentException("a PC sampler needs a predictor and a corrector");
    }
    this.predictor = predictor;
    this.corrector = corrector;
  }

  /** The predictor alone. */
  public PredictorCorrector(Predictor predictor) {
    if (predictor == null) {
      throw new IllegalArgumentException("a PC sampler needs a predictor");
    }
    this.predictor = predictor;
    this.corrector = null;
  }

  public Predictor predictor() {
    return predictor;
  }

  @Override
  public String name() {
    return corrector == null ? predictor.name() : "pc";
  }

  @Override
  public SampleResult sample(ScoreModel model, INDArray xT, double[] grid, long seed, TrajectoryObserver observer) {
    Grids.checkDecreasing(grid);
    CountingScoreModel counted = new CountingScoreModel(model);
    INDArray mean = Grids.withRandom(seed, rng -> {
      INDArray x = xT;
      INDArray m = xT;
      for (int i = 0; i + 1 < grid.length; i++) {
        observer.at(grid[i], x, null);
        if (corrector != null) {
          x = corrector.correct(counted, x, grid[i], grid[i + 1], rng).x();
        }
        Predictor.Step step = predictor.predict(counted, x, grid[i], grid[i + 1], rng);
        x = step.x();
        m = step.mean();
      }
      return m;
    });
    observer.at(grid[grid.length - 1], mean, null);
    return new SampleResult(mean, counted.calls(), grid);
  }

  @Override
  public String toString() {
    return "PredictorCorrector(" + predictor.name() + (corrector == null ? "" : ", " + corrector) + ")";
  }
}
