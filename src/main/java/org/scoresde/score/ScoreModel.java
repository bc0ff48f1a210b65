package org.scoresde.score;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.scoresde.sde.Sde;

/**
 * The one seam between the mathematics and whatever knows the score: s(x, t) = grad_x log p_t(x)
 * for a batch, and the vector-Jacobian product v^T ds/dx. Likelihood, samplers and the
 * Fokker-Planck regularizer see only this, so each runs the same with an exact score and a network.
 *
 * <p>Shapes: x and v are [N, D] (images flattened in C, H, W order), t is [N] (one time per row).
 */
public interface ScoreModel {

  /** The data dimension D. */
  int dimension();

  /** The SDE whose marginals this score belongs to. */
  Sde sde();

  /** s(x, t) for every row; returns [N, D]. */
  INDArray score(INDArray x, INDArray t);

  /** Row-wise v^T ds/dx (a vector of length D per row); returns [N, D]. */
  INDArray vjp(INDArray x, INDArray t, INDArray v);

  /** The score and the vector-Jacobian product from one evaluation, where the model can share work. */
  default ScoreAndVjp scoreAndVjp(INDArray x, INDArray t, INDArray v) {
    return new ScoreAndVjp(score(x, t), vjp(x, t, v));
  }

  /** A score with its vector-Jacobian product. */
  record ScoreAndVjp(INDArray score, INDArray vjp) {}
}
