package org.scoresde.likelihood;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The probability-flow log-likelihood of a batch: per row log p_eta(x0) in nats, split into the
 * terminal term log p_T(z_T) and the integral of the drift's divergence from eta to T, with the
 * latent z_T [N, D], the number of batch evaluations of the augmented ODE, every row's accepted and
 * rejected Dormand-Prince steps, and every row's own number of evaluations (its NFE).
 */
public record LikelihoodResult(
    INDArray logLikelihood,
    INDArray terminalLogDensity,
    INDArray divergenceIntegral,
    INDArray latent,
    long evaluations,
    int[] acceptedSteps,
    int[] rejectedSteps,
    int[] evaluationsPerRow) {

  /** The dimension D of the data. */
  public long dimension() {
    return latent.size(1);
  }

  /** -log p_eta(x0) / D per row, in nats per dimension; returns [N]. */
  public INDArray natsPerDimension() {
    return logLikelihood.neg().divi(dimension());
  }
}
