package org.scoresde.sampling;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.scoresde.score.ScoreModel;

/**
 * Records x_t and the denoised estimate x0_hat(x_t) = (x + sigma^2 s) / gamma of the first rows at
 * each grid time: the sampling and denoising trajectories. Where the sampler has no score at exactly
 * that state it evaluates one on the recorded rows only, outside the sampler's NFE count.
 */
public final class TrajectoryRecorder implements TrajectoryObserver {
  private final ScoreModel model;
  private final int rows;
  private final List<INDArray> states = new ArrayList<>();
  private final List<INDArray> denoised = new ArrayList<>();

  /** A recorder of the first {@code rows} rows (all of a smaller batch) under {@code model}'s score. */
  public TrajectoryRecorder(ScoreModel model, int rows) {
    if (rows < 1) {
      throw new IllegalArgumentException("a trajectory recorder needs at least one row, got " + rows);
    }
    this.model = model;
    this.rows = rows;
  }

  @Override
  public void at(double t, INDArray x, INDArray score) {
    long n = Math.min(rows, x.size(0));
    INDArray xr = x.get(NDArrayIndex.interval(0, n), NDArrayIndex.all()).dup();
    INDArray sr = score == null
        ? model.score(xr, Grids.times(xr, t))
        : score.get(NDArrayIndex.interval(0, n), NDArrayIndex.all());
    states.add(xr);
    denoised.add(Tweedie.denoise(model.sde(), xr, sr, t));
  }

  /** The recorded states x_{t_i} [R, D], one per grid time so far; the last is the sample itself. */
  public List<INDArray> states() {
    return List.copyOf(states);
  }

  /** The denoised estimates x0_hat(x_{t_i}) [R, D], aligned with {@link #states()}. */
  public List<INDArray> denoised() {
    return List.copyOf(denoised);
  }
}
