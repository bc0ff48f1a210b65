/**
 * The Spark jobs (shard, train, evaluate, sample, encode) as thin drivers: they plan partitions,
 * move shards, seeds and model bytes, and call the mathematics in executors; results reach the
 * driver as summaries, never as collected data. Uses every mathematics and I/O package; nothing
 * below uses it.
 */
package org.scoresde.spark;
