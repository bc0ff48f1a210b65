package org.scoresde.spark;

import org.scoresde.data.InputRequest;

/**
 * A shard job: what to read, where to write, how many shards (0: choose from the cluster and the data
 * size, aiming at shards of at most {@code targetShardBytes}), whether to replace an existing output,
 * the seed of the shard order, and how often to print progress (seconds, 0 for never).
 */
public record ShardRequest(InputRequest input, String output, int shards, boolean overwrite, long seed,
    long targetShardBytes, double progressSeconds) {}
