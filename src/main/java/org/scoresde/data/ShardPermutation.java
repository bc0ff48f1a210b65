package org.scoresde.data;

import java.io.Serializable;

/**
 * A seeded pseudo-random permutation of 0..n-1 (a balanced Feistel network on the smallest
 * power-of-four domain that holds n, with cycle-walking back into range), computed per index with no
 * shared state. The shard job gives example i the rank {@code permute(i)}; shard = rank mod N and
 * rows within a shard are ordered by rank, so N shards differ in size by at most one row and the
 * placement depends only on (seed, index, n, N).
 */
public final class ShardPermutation implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final int ROUNDS = 6;
  private final long n;
  private final long seed;
  private final int halfBits;
  private final long halfMask;

  public ShardPermutation(long n, long seed) {
    if (n < 1 || n > (1L << 62)) {
      throw new IllegalArgumentException("n must be in 1..2^62, got " + n);
    }
    this.n = n;
    this.seed = seed;
    int bits = Math.max(2, 64 - Long.numberOfLeadingZeros(n - 1));
    bits += bits & 1;
    this.halfBits = bits / 2;
    this.halfMask = (1L << halfBits) - 1;
  }

  /** The rank of {@code index} (0 &lt;= index &lt; n), a value in 0..n-1; distinct indices get distinct ranks. */
  public long permute(long index) {
    if (index < 0 || index >= n) {
      throw new IllegalArgumentException("index " + index + " outside 0.." + (n - 1));
    }
    long x = encrypt(index);
    while (x >= n) {
      x = encrypt(x);
    }
    return x;
  }

  /** The shard of {@code index} among {@code shards}. */
  public int shardOf(long index, int shards) {
    return (int) (permute(index) % shards);
  }

  private long encrypt(long x) {
    long left = x >>> halfBits;
    long right = x & halfMask;
    for (int r = 0; r < ROUNDS; r++) {
      long next = left ^ (mix(seed + 0x9E3779B97F4A7C15L * (r + 1) + right) & halfMask);
      left = right;
      right = next;
    }
    return (left << halfBits) | right;
  }

  /** A 64-bit finalizer (the SplitMix64 output function): every input bit affects every output bit. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
