package org.scoresde.spark;

import org.scoresde.data.Manifest;

/** What a shard job wrote: the output directory, its manifest, and the seconds it took. */
public record ShardResult(String dir, Manifest manifest, double seconds) {

  /** One line for the end of a run. */
  public String summary() {
    Manifest m = manifest;
    long min = m.shardFiles().stream().mapToLong(Manifest.ShardFile::rows).min().orElse(0);
    long max = m.shardFiles().stream().mapToLong(Manifest.ShardFile::rows).max().orElse(0);
    return String.format("shard: %d examples of %dx%dx%d %s (%s%s) -> %d shards of %s rows at %s in %.1f s, checksum %s:%s",
        m.count(), m.height(), m.width(), m.channels(), m.encoding(), m.format(),
        m.split() == null ? "" : ", split " + m.split(), m.shards(), min == max ? "" + min : min + "-" + max, dir,
        seconds, m.checksumAlgorithm(), m.checksum());
  }
}
