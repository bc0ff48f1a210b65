package org.scoresde.fp;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.scoresde.nd4j.JavaArrays;
import org.scoresde.score.ScoreModel;
import org.scoresde.sde.Sde;

/**
 * A conservative but inconsistent score: the base score read at the wrong time, s(x, (1 + w) t). At
 * every t it is the gradient of a log density, so only the time coupling of the score Fokker-Planck
 * equation can catch it; the checks use it to show that the residual does.
 */
public final class TimeWarpedScore implements ScoreModel {
  private final ScoreModel base;
  private final double warp;

  public TimeWarpedScore(ScoreModel base, double warp) {
    if (!(warp > -1) || !Double.isFinite(warp)) {
      throw new IllegalArgumentException("the warp must exceed -1, got " + warp);
    }
    this.base = base;
    this.warp = warp;
  }

  @Override
  public int dimension() {
    return base.dimension();
  }

  @Override
  public Sde sde() {
    return base.sde();
  }

  @Override
  public INDArray score(INDArray x, INDArray t) {
    return base.score(x, warped(t));
  }

  @Override
  public INDArray vjp(INDArray x, INDArray t, INDArray v) {
    return base.vjp(x, warped(t), v);
  }

  @Override
  public ScoreAndVjp scoreAndVjp(INDArray x, INDArray t, INDArray v) {
    return base.scoreAndVjp(x, warped(t), v);
  }

  private INDArray warped(INDArray t) {
    double[] tv = JavaArrays.values(t);
    for (int i = 0; i < tv.length; i++) {
      tv[i] *= 1 + warp;
    }
    return JavaArrays.vector(tv, t.dataType() == DataType.FLOAT ? DataType.FLOAT : DataType.DOUBLE);
  }
}
