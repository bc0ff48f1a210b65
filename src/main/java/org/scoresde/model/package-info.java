/**
 * Where a job's ScoreModel comes from: a trained network file, a Gaussian mixture (gmm:FILE.json)
 * or a dataset's empirical optimal score (empirical:DATA), each serializable to Spark executors,
 * and model files on Hadoop filesystems. Uses config, nn, score and sde.
 */
package org.scoresde.model;
