package org.scoresde.spark;

import org.scoresde.data.InputRequest;
import org.scoresde.data.Slice;

/**
 * A shard job: what to read, where to write, how many shards (0: choose from the cluster and the data
 * size, aiming at shards of at most {@code targetShardBytes}), whether to replace an existing output,
 * the seed of the shard order, how often to print progress (seconds, 0 for never), and optionally the
 * slice of the seeded shuffle to keep (null: every example).
 */
public record ShardRequest(InputRequest input, String output, int shards, boolean overwrite, long seed,
    long targetShardBytes, double progressSeconds, Slice slice) {

  /** A request for every example of the input. */
  public ShardRequest(InputRequest input, String output, int shards, boolean overwrite, long seed,
      long targetShardBytes, double progressSeconds) {
    this(input, output, shards, overwrite, seed, targetShardBytes, progressSeconds, null);
  }
}
