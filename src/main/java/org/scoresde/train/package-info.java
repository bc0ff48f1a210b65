/**
 * Training by denoising score matching: the loss with its weighting, the FP penalty added to it,
 * the warm-up schedule, the moving average of the parameters, checkpoints, resume rules and the
 * divergence guard, independent of Spark; and the train settings typed from the configuration
 * ({@link org.scoresde.train.TrainSettings}: options, SDE, network, optimizer, FP loss), here because
 * this is the lowest package that knows every type they map to. Uses config, data, fp, model, nd4j,
 * nn, sde and time.
 */
package org.scoresde.train;
