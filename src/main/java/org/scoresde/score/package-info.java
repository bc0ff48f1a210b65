/**
 * The ScoreModel seam and the exact scores behind it: score s(x, t) and its vector-Jacobian product
 * for a batch with one time per row, the Gaussian mixture diffused by an SDE (exact score and log
 * density), and the empirical optimal score of a finite point set. Uses nd4j, ode and sde.
 */
package org.scoresde.score;
