package org.scoresde.nn;

/**
 * How the diffusion time t becomes the feature vector the network is conditioned on: random
 * Gaussian Fourier features (NCSN++ style) or the sinusoidal positional embedding of DDPM.
 */
public enum TimeEmbeddingKind {
  /** [sin(2 pi w_k t), cos(2 pi w_k t)] with fixed w_k ~ N(0, scale^2) drawn from the config seed. */
  FOURIER,
  /** [sin(1000 t f_k), cos(1000 t f_k)] with f_k = 10000^(-k / (half - 1)), as in DDPM. */
  SINUSOIDAL
}
