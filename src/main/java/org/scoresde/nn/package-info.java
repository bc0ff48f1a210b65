/**
 * The Deeplearning4j score network: the U-Net builder, its custom layers (oneDNN convolutions, time
 * embedding, channel broadcast), the input-gradient graph that gives the VJP, the network as a
 * ScoreModel, the data transform between pixels and model space, and model files with their
 * checksums. Uses nd4j, score and sde.
 */
package org.scoresde.nn;
