package org.scoresde.sampling;

import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/** Small shared pieces of the fixed-grid samplers: grid checks, time vectors, Gaussian draws. */
final class Grids {
  private Grids() {}

  static void checkDecreasing(double[] grid) {
    if (grid.length < 2) {
      throw new IllegalArgumentException("a sampling grid needs at least two times, got " + grid.length);
    }
    for (int i = 1; i < grid.length; i++) {
      if (!(grid[i] < grid[i - 1]) || !(grid[i] > 0)) {
        throw new IllegalArgumentException(
            "a sampling grid must decrease strictly and stay positive; t[" + (i - 1) + "] = "
                + grid[i - 1] + ", t[" + i + "] = " + grid[i]);
      }
    }
  }

  /** t [N] filled with one time, in x's data type. */
  static INDArray times(INDArray x, double t) {
    return Nd4j.valueArrayOf(new long[] {x.size(0)}, t, x.dataType());
  }

  /** Standard normal noise shaped and typed like x. */
  static INDArray gaussianLike(INDArray x, Random rng) {
    return Nd4j.randn(Nd4j.createUninitialized(x.dataType(), x.shape()), rng);
  }

  /** Runs body with a generator seeded by seed, released afterwards. */
  static <T> T withRandom(long seed, Function<Random, T> body) {
    Random rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
    try {
      return body.apply(rng);
    } finally {
      try {
        rng.close();
      } catch (Exception e) {
        throw new IllegalStateException("could not release the random generator", e);
      }
    }
  }
}
