/**
 * The forward SDEs (VP, sub-VP, VE) with linear drift: drift coefficient, diffusion, marginal mean
 * scale and standard deviation, prior, and the log signal-to-noise ratio the exponential
 * integrators use. Plain double arithmetic; depends on no other package of the project.
 */
package org.scoresde.sde;
