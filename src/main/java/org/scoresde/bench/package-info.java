/**
 * The performance harness: the network beside a PyTorch peer and the machine's matrix-product
 * ceiling, Spark training throughput, and evaluate's peak memory in child JVMs. Uses the
 * mathematics, spark and train; the command line reaches it, not the reverse.
 */
package org.scoresde.bench;
