/**
 * The score Fokker-Planck (FP-Diffusion) regularizer: the residual of the score's Fokker-Planck
 * equation by finite-difference stencils in x and t, its penalty and gradients for training, and
 * its verify checks against exact mixture scores. Uses nd4j, nn, score, sde and verify.
 */
package org.scoresde.fp;
