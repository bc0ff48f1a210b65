/**
 * The command line: one picocli command per job (shard, train, evaluate, sample, encode, verify,
 * report, bench, demo, classifier), the options they share, and the mapping of failures to one
 * {@code error:} line. The top layer: it may use every package, and none uses it.
 */
package org.scoresde.cli;
