/**
 * Outputs and files on any Hadoop filesystem: outputs that appear whole (temporary path, _SUCCESS,
 * rename) or not at all, the guard that never writes into an input or deletes an unmarked folder,
 * the training run's lock, the SHA-256 files that travel beside model files and checkpoints, and
 * PNG writing. Uses config only (for its user errors).
 */
package org.scoresde.io;
