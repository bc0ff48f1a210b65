package org.scoresde.spark;

import org.apache.spark.Partitioner;

/** Sends the example of rank r to shard r mod N: exact balance, unlike hashing N keys into N buckets. */
final class ShardPartitioner extends Partitioner {
  private static final long serialVersionUID = 1L;
  private final int shards;

  ShardPartitioner(int shards) {
    this.shards = shards;
  }

  @Override
  public int numPartitions() {
    return shards;
  }

  @Override
  public int getPartition(Object rank) {
    return (int) ((Long) rank % shards);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ShardPartitioner p && p.shards == shards;
  }

  @Override
  public int hashCode() {
    return shards;
  }
}
