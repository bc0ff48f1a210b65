/**
 * Diffusion times for training: the uniform and importance samplers of t (importance: r(t)
 * proportional to the likelihood weight over sigma^2), the loss weightings (sigma^2, likelihood),
 * and seeds derived from a run seed, so that each partition draws its own times reproducibly. Uses
 * sde only.
 */
package org.scoresde.time;
