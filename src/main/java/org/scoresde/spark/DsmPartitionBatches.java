package org.scoresde.spark;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.function.Function2;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.scoresde.data.Example;
import org.scoresde.fp.FokkerPlanckLoss;
import org.scoresde.data.DataTransform;
import org.scoresde.nn.ScoreNetworkConfig;
import org.scoresde.sde.Sde;
import org.scoresde.time.Seeds;
import org.scoresde.time.TimeBatch;
import org.scoresde.time.TimeSampler;
import org.scoresde.train.DenoisingScoreMatching;

/**
 * The minibatches one Spark partition trains on in one round: the partition's examples whose
 * epoch bucket is this round, shuffled, turned into model inputs (dequantized and scaled), and
 * noised by denoising score matching. All randomness comes from one RNG seeded by (run seed,
 * epoch, round * partitions + partition), drawn in the order t, eps, x_t per minibatch. With the
 * FP-Diffusion regularizer each minibatch of {@code batchSize} examples becomes batchSize x G rows
 * laid out by the loss's stencil (docs/fp-diffusion.md section 5).
 */
public final class DsmPartitionBatches implements Function2<Integer, Iterator<Example>, Iterator<MultiDataSet>> {
  private static final long serialVersionUID = 1L;
  private final long seed;
  private final int epoch;
  private final int round;
  private final int rounds;
  private final int partitions;
  private final int batchSize;
  private final Sde sde;
  private final TimeSampler times;
  private final DataTransform transform;
  private final ScoreNetworkConfig network;
  private final FokkerPlanckLoss fokkerPlanck;

  public DsmPartitionBatches(long seed, int epoch, int round, int rounds, int partitions, int batchSize, Sde sde,
      TimeSampler times, DataTransform transform, ScoreNetworkConfig network) {
    this(seed, epoch, round, rounds, partitions, batchSize, sde, times, transform, network, null);
  }

  /** @param fokkerPlanck the regularized loss whose stencil lays out the rows, or null for plain DSM */
  public DsmPartitionBatches(long seed, int epoch, int round, int rounds, int partitions, int batchSize, Sde sde,
      TimeSampler times, DataTransform transform, ScoreNetworkConfig network, FokkerPlanckLoss fokkerPlanck) {
    this.seed = seed;
    this.epoch = epoch;
    this.round = round;
    this.rounds = rounds;
    this.partitions = partitions;
    this.batchSize = batchSize;
    this.sde = sde;
    this.times = times;
    this.transform = transform;
    this.network = network;
    this.fokkerPlanck = fokkerPlanck;
  }

  /** The round of the epoch in which an example is trained on (a hash of seed, epoch and index). */
  public static int roundOf(long seed, int epoch, long index, int rounds) {
    long h = Seeds.mix(Seeds.seed(seed, epoch, index));
    return (int) Math.floorMod(h, (long) rounds);
  }

  @Override
  public Iterator<MultiDataSet> call(Integer partition, Iterator<Example> examples) {
    List<Example> mine = new ArrayList<>();
    while (examples.hasNext()) {
      Example e = examples.next();
      if (roundOf(seed, epoch, e.index(), rounds) == round) {
        mine.add(e);
      }
    }
    mine.sort(Comparator.comparingLong(e -> Seeds.mix(e.index() ^ Seeds.seed(seed, epoch, -1))));
    SplittableRandom rng = Seeds.random(seed, epoch, (long) round * partitions + partition);
    DenoisingScoreMatching dsm = new DenoisingScoreMatching(sde, network);
    List<MultiDataSet> out = new ArrayList<>();
    int d = network.dimension();
    for (int start = 0; start < mine.size(); start += batchSize) {
      int n = Math.min(batchSize, mine.size() - start);
      INDArray x = modelInputs(mine, start, n, d, transform, rng);
      TimeBatch tb = times.draw(n, rng);
      long noiseSeed = rng.nextLong();
      out.add(fokkerPlanck == null ? dsm.batch(x, tb.t(), tb.weight(), noiseSeed)
          : dsm.fokkerPlanckBatch(x, tb.t(), tb.weight(), noiseSeed, fokkerPlanck.stencil()));
    }
    return out.iterator();
  }

  /**
   * Examples start .. start + n - 1 of a list as model inputs [n, D] in float: pixels dequantized with
   * uniform noise from {@code rng} and scaled by the transform, vectors as they are.
   */
  static INDArray modelInputs(List<Example> examples, int start, int n, int d, DataTransform transform,
      SplittableRandom rng) {
    float[] x0 = new float[n * d];
    for (int i = 0; i < n; i++) {
      Example e = examples.get(start + i);
      if (e.pixels() != null) {
        byte[] p = e.pixels();
        for (int j = 0; j < d; j++) {
          x0[i * d + j] = (float) transform.toModel(p[j] & 0xff, rng.nextDouble());
        }
      } else {
        float[] v = e.values();
        for (int j = 0; j < d; j++) {
          x0[i * d + j] = v[j];
        }
      }
    }
    return Nd4j.create(x0, new long[] {n, d}, 'c');
  }
}
