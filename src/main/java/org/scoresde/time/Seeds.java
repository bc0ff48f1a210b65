package org.scoresde.time;

import java.util.SplittableRandom;

/**
 * Reproducible, decorrelated seeds for distributed training: a pure function of (run seed, epoch,
 * partition), so a Spark partition redrawn after a failure draws the same times, and neighbouring
 * partitions or epochs get unrelated streams. Each component passes through the SplitMix64
 * finaliser (a bijection of 64-bit words with full avalanche) before it is combined.
 */
public final class Seeds {
  /** The odd Weyl increment of SplitMix64, 2^64 / golden ratio. */
  private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

  private Seeds() {}

  /** The SplitMix64 finaliser (Stafford's mix variant 13). */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** The seed of one partition in one epoch of a run; order matters: seed(a, b, c) != seed(b, a, c). */
  public static long seed(long runSeed, long epoch, long partition) {
    long h = mix(runSeed + GOLDEN_GAMMA);
    h = mix(h ^ mix(epoch + 2 * GOLDEN_GAMMA));
    return mix(h ^ mix(partition + 3 * GOLDEN_GAMMA));
  }

  /** A seed for an independent sub-stream (e.g. times vs. noise) derived from a seed. */
  public static long derive(long seed, long stream) {
    return mix(seed ^ mix(stream + 4 * GOLDEN_GAMMA));
  }

  /** The generator for a seed: a SplittableRandom, deterministic across JVMs for a given seed. */
  public static SplittableRandom random(long seed) {
    return new SplittableRandom(seed);
  }

  /** The generator of one partition in one epoch of a run. */
  public static SplittableRandom random(long runSeed, long epoch, long partition) {
    return random(seed(runSeed, epoch, partition));
  }
}
