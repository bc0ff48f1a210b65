package org.scoresde.sampling;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.scoresde.score.ScoreModel;

/**
 * Keeps x_t and x0_hat(x_t) of the first rows at each grid time. Where the sampler has no score at
 * exactly that state it evaluates one on the recorded rows only, outside the sampler's NFE count.
 */
final class TrajectoryRecorder {
  private final ScoreModel model;
  private final int rows;
  private final List<INDArray> states = new ArrayList<>();
  private final List<INDArray> denoised = new ArrayList<>();

  TrajectoryRecorder(ScoreModel model, int rows, long batch) {
    if (rows < 0) {
      throw new IllegalArgumentException("recordRows must be >= 0, got " + rows);
    }
    this.model = model;
    this.rows = (int) Math.min(rows, batch);
  }

  /** Records the state x at time t; score is s(x, t) for the whole batch, or null if not at hand. */
  void record(double t, INDArray x, INDArray score) {
    if (rows == 0) {
      return;
    }
    INDArray xr = x.get(NDArrayIndex.interval(0, rows), NDArrayIndex.all()).dup();
    INDArray sr = score == null
        ? model.score(xr, Grids.times(xr, t))
        : score.get(NDArrayIndex.interval(0, rows), NDArrayIndex.all());
    states.add(xr);
    denoised.add(Tweedie.denoise(model.sde(), xr, sr, t));
  }

  SampleResult result(INDArray samples, long nfe, double[] grid) {
    return new SampleResult(samples, nfe, grid, states, denoised);
  }
}
