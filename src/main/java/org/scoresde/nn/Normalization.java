package org.scoresde.nn;

/**
 * The normalization inside the score network's residual blocks.
 *
 * <p>Only per-example choices are offered. A batch normalization couples the rows of a minibatch:
 * its statistics would mix different diffusion times, be noisy with small per-worker batches,
 * differ between training and evaluation, and break both the per-example loss weights and a later
 * regularizer that adds extra rows to the same minibatch. DL4J has no GroupNorm layer, so
 * {@link #GROUP} is a parameter-free group normalization run by an {@link ActivationOutOfPlace} layer (see
 * {@link GroupNormActivation}); it has no running statistics, so parameter averaging is unaffected.
 */
public enum Normalization {
  /** No normalization: the residual blocks apply Swish directly. */
  NONE,
  /** Per-example group normalization without affine parameters, followed by Swish. */
  GROUP
}
