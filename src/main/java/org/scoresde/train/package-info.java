/**
 * Training by denoising score matching: the loss with its weighting, the FP penalty added to it,
 * the warm-up schedule, the moving average of the parameters, checkpoints, resume rules and the
 * divergence guard, independent of Spark.
 * Uses config, fp, model, nd4j, nn, sde and time.
 */
package org.scoresde.train;
