package org.scoresde.spark;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.DoubleAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.scoresde.data.Example;
import org.scoresde.evaluate.BitsPerDim;
import org.scoresde.likelihood.DivergenceEstimator;
import org.scoresde.likelihood.LikelihoodResult;
import org.scoresde.likelihood.ProbabilityFlowLikelihood;
import org.scoresde.model.ModelSource;
import org.scoresde.nd4j.NativeGarbage;
import org.scoresde.data.DataTransform;
import org.scoresde.score.ScoreModel;
import org.scoresde.time.Seeds;
import scala.Tuple2;

/**
 * The likelihood of one partition's examples, streamed in batches of (example, dequantization draw)
 * rows: each 8-bit example is dequantized {@code repeats} times and every draw is one row of the
 * probability-flow ODE, so a batch holds {@code batchSize} rows whatever the number of draws, and
 * an example's draws share a batch when they fit (a partition of few examples still fills its
 * batches; the network costs ~10x more per row at 2 rows than at 64). A row's dequantization noise
 * and Hutchinson probes are seeded by run seed, example index and draw, so a result does not depend
 * on the partitioning or the batch size. The output is one (example, shard, label, value, nfe) per
 * example, value being the mean over its draws of bits/dim (8-bit data) or nats/dim (continuous
 * data); the accumulators count finished draws and sum their values, for progress.
 */
final class LikelihoodPartition implements FlatMapFunction<Iterator<Tuple2<Example, String>>, LikelihoodPartition.Value> {
  private static final long serialVersionUID = 1L;
  private final Broadcast<ModelSource> model;
  private final long seed;
  private final int batchSize;
  private final int repeats;
  private final String trace;
  private final int probes;
  private final double rtol;
  private final double atol;
  private final double eta;
  private final LongAccumulator draws;
  private final DoubleAccumulator sum;

  /** One example's result, with its class label ({@link Example#UNLABELLED} when it has none). */
  record Value(long index, String shard, int label, double value, double nfe) implements java.io.Serializable {}

  LikelihoodPartition(Broadcast<ModelSource> model, long seed, int batchSize, int repeats, String trace, int probes,
      double rtol, double atol, double eta, LongAccumulator draws, DoubleAccumulator sum) {
    this.model = model;
    this.seed = seed;
    this.batchSize = batchSize;
    this.repeats = repeats;
    this.trace = trace;
    this.probes = probes;
    this.rtol = rtol;
    this.atol = atol;
    this.eta = eta;
    this.draws = draws;
    this.sum = sum;
  }

  /**
   * How many partitions evaluate {@code rows} (example, draw) rows in batches of {@code batchSize}:
   * about one per batch, rounded up to a whole number of waves of {@code parallelism} tasks so that
   * no core idles in the last wave (but no more than rows), at most as many as the input has or the
   * cluster runs at once (whichever is more), and at least one. A job of few examples thus runs in a few partitions of
   * (nearly) full batches instead of many small ones.
   */
  static int partitions(long rows, int batchSize, int parallelism, int inputPartitions) {
    long batches = (rows + batchSize - 1) / batchSize;
    long waves = (batches + parallelism - 1) / parallelism;
    long balanced = Math.min(waves * parallelism, rows);
    return (int) Math.max(1, Math.min(balanced, Math.max(parallelism, inputPartitions)));
  }

  /** The draws of an 8-bit example (dequantization draws), or 1 for continuous values. */
  static int drawsOf(Example e, int repeats) {
    return draws(e.pixels() != null, repeats);
  }

  /** The draws of each example of discrete (8-bit) or continuous data: the one rule of the driver's plan and the tasks. */
  static int draws(boolean discrete, int repeats) {
    return discrete ? repeats : 1;
  }

  @Override
  public Iterator<Value> call(Iterator<Tuple2<Example, String>> rows) {
    ModelSource source = model.value();
    ScoreModel score = source.open();
    DataTransform transform = source.transform();
    DataType type = source.isExact() ? DataType.DOUBLE : DataType.FLOAT;
    ProbabilityFlowLikelihood pf = new ProbabilityFlowLikelihood(score, DivergenceEstimator.parse(trace, probes))
        .withEta(eta).withTolerances(rtol, atol);
    int d = score.dimension();
    if (rows.hasNext()) {
      try (NativeGarbage collector = NativeGarbage.collectEvery(NativeGarbage.DEFAULT_WINDOW)) {
        pf.warmUp(batchSize, type);
      }
    }
    return new Iterator<>() {
      /** Examples whose draws are under way, in input order; the last may have draws left to schedule. */
      private final Deque<Pending> pending = new ArrayDeque<>();
      private final Deque<Value> ready = new ArrayDeque<>();

      @Override
      public boolean hasNext() {
        while (ready.isEmpty() && (rows.hasNext() || !pending.isEmpty())) {
          fill();
        }
        return !ready.isEmpty();
      }

      @Override
      public Value next() {
        if (!hasNext()) {
          throw new java.util.NoSuchElementException();
        }
        return ready.poll();
      }

      /** Integrates the next batch of rows and moves the examples it completes to {@code ready}. */
      private void fill() {
        List<Pending> owner = new ArrayList<>();
        List<Integer> drawOf = new ArrayList<>();
        Pending last = pending.peekLast();
        while (owner.size() < batchSize) {
          if (last == null || last.scheduled == last.draws) {
            if (!rows.hasNext()) {
              break;
            }
            Tuple2<Example, String> row = rows.next();
            Example e = row._1();
            if (e.size() != d) {
              throw new IllegalArgumentException("example " + e.index() + " has " + e.size() + " values; the model expects " + d);
            }
            last = new Pending(e, row._2(), drawsOf(e, repeats));
            pending.add(last);
          }
          owner.add(last);
          drawOf.add(last.scheduled++);
        }
        int n = owner.size();
        double[] x = new double[n * d];
        long[] probeSeeds = new long[n];
        for (int i = 0; i < n; i++) {
          Example e = owner.get(i).example;
          int k = drawOf.get(i);
          SplittableRandom r = Seeds.random(seed, e.index(), k);
          for (int j = 0; j < d; j++) {
            x[i * d + j] = e.pixels() != null ? transform.toModel(e.pixels()[j] & 0xff, r.nextDouble()) : e.values()[j];
          }
          probeSeeds[i] = Seeds.seed(seed, e.index(), 1000L + k);
        }
        LikelihoodResult res;
        try (NativeGarbage collector = NativeGarbage.collectEvery(NativeGarbage.DEFAULT_WINDOW)) {
          INDArray x0 = Nd4j.create(x, new long[] {n, d}, DataType.DOUBLE).castTo(type);
          res = pf.logLikelihood(x0, probeSeeds);
        } catch (OutOfMemoryError e) {
          throw new TaskOutOfMemoryException("out of memory integrating a batch of " + n + " rows", e);
        }
        for (int i = 0; i < n; i++) {
          Pending p = owner.get(i);
          double logp = res.logLikelihood().getDouble(i);
          double v = p.example.pixels() != null
              ? BitsPerDim.ofDequantized(logp, d, transform.logJacobianPerDimension())
              : BitsPerDim.natsPerDim(logp, d);
          p.value += v / p.draws;
          p.nfe += (double) res.evaluationsPerRow()[i] / p.draws;
          p.finished++;
          draws.add(1);
          sum.add(v);
        }
        while (!pending.isEmpty() && pending.peekFirst().finished == pending.peekFirst().draws) {
          Pending p = pending.poll();
          ready.add(new Value(p.example.index(), p.shard, p.example.label(), p.value, p.nfe));
        }
      }
    };
  }

  /** An example and the sums of its draws so far. */
  private static final class Pending {
    private final Example example;
    private final String shard;
    private final int draws;
    private int scheduled;
    private int finished;
    private double value;
    private double nfe;

    Pending(Example example, String shard, int draws) {
      this.example = example;
      this.shard = shard;
      this.draws = draws;
    }
  }
}
