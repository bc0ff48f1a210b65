package org.scoresde.spark;

import java.util.ArrayList;
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
import org.scoresde.nn.DataTransform;
import org.scoresde.score.ScoreModel;
import org.scoresde.time.Seeds;
import scala.Tuple2;

/**
 * The likelihood of one partition's examples, streamed in batches: each example is dequantized
 * {@code repeats} times (draws seeded by run seed and example index, so a result does not depend on
 * the partitioning) and integrated with the probability-flow ODE; the output is one
 * (example, shard, value, nfe) per example, value being the mean over its draws of bits/dim
 * (8-bit data) or nats/dim (continuous data).
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
  private final LongAccumulator done;
  private final DoubleAccumulator sum;

  /** One example's result. */
  record Value(long index, String shard, double value, double nfe) implements java.io.Serializable {}

  LikelihoodPartition(Broadcast<ModelSource> model, long seed, int batchSize, int repeats, String trace, int probes,
      double rtol, double atol, double eta, LongAccumulator done, DoubleAccumulator sum) {
    this.model = model;
    this.seed = seed;
    this.batchSize = batchSize;
    this.repeats = repeats;
    this.trace = trace;
    this.probes = probes;
    this.rtol = rtol;
    this.atol = atol;
    this.eta = eta;
    this.done = done;
    this.sum = sum;
  }

  @Override
  public Iterator<Value> call(Iterator<Tuple2<Example, String>> rows) {
    ModelSource source = model.value();
    ScoreModel score = source.open();
    DataTransform transform = source.transform();
    DataType type = source.isMixture() ? DataType.DOUBLE : DataType.FLOAT;
    ProbabilityFlowLikelihood pf = new ProbabilityFlowLikelihood(score, DivergenceEstimator.parse(trace, probes))
        .withEta(eta).withTolerances(rtol, atol);
    int d = score.dimension();
    return new Iterator<>() {
      private final List<Value> ready = new ArrayList<>();
      private int next;

      @Override
      public boolean hasNext() {
        while (next >= ready.size() && rows.hasNext()) {
          fill();
        }
        return next < ready.size();
      }

      @Override
      public Value next() {
        if (!hasNext()) {
          throw new java.util.NoSuchElementException();
        }
        return ready.get(next++);
      }

      private void fill() {
        ready.clear();
        next = 0;
        List<Tuple2<Example, String>> batch = new ArrayList<>();
        while (rows.hasNext() && batch.size() < batchSize) {
          batch.add(rows.next());
        }
        int n = batch.size();
        boolean discrete = batch.get(0)._1().pixels() != null;
        int draws = discrete ? repeats : 1;
        double[] values = new double[n];
        double[] nfe = new double[n];
        try (NativeGarbage collector = NativeGarbage.collectEvery(NativeGarbage.DEFAULT_WINDOW)) {
          integrate(batch, draws, discrete, values, nfe);
        } catch (OutOfMemoryError e) {
          throw new TaskOutOfMemoryException("out of memory integrating a batch of " + n + " examples", e);
        }
        for (int i = 0; i < n; i++) {
          ready.add(new Value(batch.get(i)._1().index(), batch.get(i)._2(), values[i], nfe[i]));
          done.add(1);
          sum.add(values[i]);
        }
      }

      /** values[i] and nfe[i]: example i's value and evaluation count, each the mean over its draws. */
      private void integrate(List<Tuple2<Example, String>> batch, int draws, boolean discrete, double[] values,
          double[] nfe) {
        int n = batch.size();
        for (int k = 0; k < draws; k++) {
          double[] x = new double[n * d];
          for (int i = 0; i < n; i++) {
            Example e = batch.get(i)._1();
            if (e.size() != d) {
              throw new IllegalArgumentException("example " + e.index() + " has " + e.size() + " values; the model expects " + d);
            }
            SplittableRandom r = Seeds.random(seed, e.index(), k);
            for (int j = 0; j < d; j++) {
              x[i * d + j] = discrete ? transform.toModel(e.pixels()[j] & 0xff, r.nextDouble()) : e.values()[j];
            }
          }
          INDArray x0 = Nd4j.create(x, new long[] {n, d}, DataType.DOUBLE).castTo(type);
          LikelihoodResult res = pf.logLikelihood(x0, Seeds.seed(seed, batch.get(0)._1().index(), 1000L + k));
          for (int i = 0; i < n; i++) {
            double logp = res.logLikelihood().getDouble(i);
            double v = discrete ? BitsPerDim.ofDequantized(logp, d, transform.logJacobianPerDimension())
                : BitsPerDim.natsPerDim(logp, d);
            values[i] += v / draws;
            nfe[i] += (double) res.evaluationsPerRow()[i] / draws;
          }
        }
      }
    };
  }
}
