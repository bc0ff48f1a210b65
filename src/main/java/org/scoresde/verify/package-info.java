/**
 * The {@code verify} suite: checks of the SDEs, time samplers, scores, likelihood and samplers
 * against exact answers on Gaussian mixtures, behind one check interface that other packages may
 * implement (fp does). Uses config, likelihood, sampling, score, sde and time.
 */
package org.scoresde.verify;
