/**
 * Log-likelihood by the probability-flow ODE: the instantaneous change of variables integrated by
 * Dormand-Prince, with exact or Hutchinson (Gaussian or Rademacher) divergence estimators that
 * reuse the score's VJP. Uses nd4j, ode, score and sde.
 */
package org.scoresde.likelihood;
