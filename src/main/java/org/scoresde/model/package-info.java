/**
 * Trained networks as score models and where a job's ScoreModel comes from: the network behind the
 * ScoreModel seam (s = -eps_theta / sigma_t with its exact VJP), the model file format (network,
 * metadata with the SDE, data transform and network configuration, format version) and its
 * Hadoop-filesystem reading and writing with the SHA-256 beside it; the sources a job opens, a
 * trained network file, a Gaussian mixture (gmm:FILE.json) or a dataset's empirical optimal score
 * (empirical:DATA), each serializable to Spark executors. Uses config, data, io, nd4j, nn, score
 * and sde.
 */
package org.scoresde.model;
