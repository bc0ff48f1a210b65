package org.scoresde.sampling;

import java.io.Serializable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.scoresde.score.ScoreModel;

/**
 * Turns prior noise x_T [N, D] into samples by running a reverse-time solver over a decreasing
 * time grid (from a {@link TimeSchedule}). The caller draws x_T (with {@code Sde.samplePrior}), so
 * the same noise can be fed to different samplers and grids.
 */
public interface Sampler extends Serializable {

  /** The name used in configuration and in sample.json. */
  String name();

  /**
   * Samples from x_T along {@code grid} (t_0 = T > ... > t_K = eps), drawing any noise from a
   * generator seeded with {@code seed}, and showing the state at every grid time to {@code observer}.
   */
  SampleResult sample(ScoreModel model, INDArray xT, double[] grid, long seed, TrajectoryObserver observer);

  /** {@link #sample(ScoreModel, INDArray, double[], long, TrajectoryObserver)} with nobody observing. */
  default SampleResult sample(ScoreModel model, INDArray xT, double[] grid, long seed) {
    return sample(model, xT, grid, seed, TrajectoryObserver.NONE);
  }
}
