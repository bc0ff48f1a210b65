package org.scoresde.sampling;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.scoresde.score.ScoreModel;
import org.scoresde.sde.Sde;

/** Counts the batched score evaluations a sampler makes (its NFE). Not thread-safe: one per run. */
final class CountingScoreModel implements ScoreModel {
  private final ScoreModel delegate;
  private long calls;

  CountingScoreModel(ScoreModel delegate) {
    this.delegate = delegate;
  }

  long calls() {
    return calls;
  }

  @Override
  public int dimension() {
    return delegate.dimension();
  }

  @Override
  public Sde sde() {
    return delegate.sde();
  }

  @Override
  public INDArray score(INDArray x, INDArray t) {
    calls++;
    return delegate.score(x, t);
  }

  @Override
  public INDArray vjp(INDArray x, INDArray t, INDArray v) {
    calls++;
    return delegate.vjp(x, t, v);
  }
}
