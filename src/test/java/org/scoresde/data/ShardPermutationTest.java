package org.scoresde.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

class ShardPermutationTest {

  @Test
  void everySizeIsMappedOneToOneOntoItself() {
    for (long n : new long[] {1, 2, 3, 4, 5, 17, 1000, 4097, 60000}) {
      ShardPermutation p = new ShardPermutation(n, 42);
      BitSet seen = new BitSet();
      for (long i = 0; i < n; i++) {
        long r = p.permute(i);
        assertTrue(r >= 0 && r < n, "rank " + r + " of " + i + " outside 0.." + (n - 1));
        assertTrue(!seen.get((int) r), "rank " + r + " given twice (n = " + n + ")");
        seen.set((int) r);
      }
      assertEquals(n, seen.cardinality());
    }
  }

  @Test
  void shardsDifferByAtMostOneRow() {
    long n = 60000;
    for (int shards : new int[] {7, 8, 13}) {
      ShardPermutation p = new ShardPermutation(n, 1);
      long[] size = new long[shards];
      for (long i = 0; i < n; i++) {
        size[p.shardOf(i, shards)]++;
      }
      long min = java.util.Arrays.stream(size).min().getAsLong();
      long max = java.util.Arrays.stream(size).max().getAsLong();
      assertTrue(max - min <= 1, shards + " shards: " + min + ".." + max);
    }
  }

  @Test
  void theOrderDependsOnTheSeedAndLooksShuffled() {
    long n = 10000;
    ShardPermutation a = new ShardPermutation(n, 42);
    ShardPermutation b = new ShardPermutation(n, 42);
    ShardPermutation c = new ShardPermutation(n, 43);
    int same = 0;
    int fixed = 0;
    long ascending = 0;
    for (long i = 0; i < n; i++) {
      assertEquals(a.permute(i), b.permute(i));
      same += a.permute(i) == c.permute(i) ? 1 : 0;
      fixed += a.permute(i) == i ? 1 : 0;
      ascending += i > 0 && a.permute(i) > a.permute(i - 1) ? 1 : 0;
    }
    // a random permutation agrees with another (or the identity) in about 1 place; allow 10
    assertTrue(same < 10, "seeds 42 and 43 agree at " + same + " indices");
    assertTrue(fixed < 10, fixed + " fixed points");
    // consecutive ranks rise about half the time for a random order: 5000 +- 3*50
    assertTrue(Math.abs(ascending - n / 2) < 150, ascending + " ascents");
  }
}
