/**
 * The Deeplearning4j score network and nothing else: the U-Net and MLP builder, its custom layers
 * (oneDNN convolutions, group norm, Swish, time embedding, channel broadcast), the input-gradient
 * graph that gives the VJP. The network as a ScoreModel and model files live in model, checksums in
 * io, the pixel transform in data. Uses nd4j, score and sde.
 */
package org.scoresde.nn;
