package org.scoresde.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.CollectionAccumulator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.scoresde.nn.ScoreNetworkBuilder;
import org.scoresde.nn.ScoreNetworkConfig;
import org.scoresde.sde.VpSde;
import org.scoresde.testing.StopsSpark;
import org.scoresde.testing.TinyNetworks;
import org.scoresde.train.DenoisingScoreMatching;

/**
 * The iteration count a worker's network updates at, in dl4j-spark's parameter averaging on a real
 * local Spark: without the hook every round restarts at 0 (the defect it exists for), with it round
 * k starts where the driver's count stands.
 */
@ExtendWith(StopsSpark.class)
class IterationCountHookTest {
  private static final int WORKERS = 2;
  private static final int FREQUENCY = 3;
  private static final int BATCH = 4;

  @Test
  void raisesAWorkersCountsToTheDriversAndNeverLowersThem() {
    ComputationGraph driver = graph();
    driver.getConfiguration().setIterationCount(30);
    driver.getConfiguration().setEpochCount(2);
    IterationCountHook hook = IterationCountHook.of(driver);
    assertEquals(new IterationCountHook(30, 2), hook);

    ComputationGraph behind = graph();
    hook.preUpdate((MultiDataSet) null, behind);
    assertEquals(30, behind.getIterationCount());
    assertEquals(2, behind.getEpochCount());

    ComputationGraph ahead = graph();
    ahead.getConfiguration().setIterationCount(35);
    ahead.getConfiguration().setEpochCount(3);
    hook.preUpdate((DataSet) null, ahead);
    assertEquals(35, ahead.getIterationCount());
    assertEquals(3, ahead.getEpochCount());
  }

  @Test
  void withoutTheHookEveryRoundRestartsAtZeroWithItTheCountCarriesOn() {
    SparkSession spark = SparkSessions.create("iteration-count", "local[" + WORKERS + "]");
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    assertEquals(List.of(List.of(0, 1, 2), List.of(0, 1, 2)), firstCountsPerRound(jsc, false),
        "dl4j-spark's workers restart their count every round (if this fails, the library changed: is the hook still needed?)");
    assertEquals(List.of(List.of(0, 1, 2), List.of(3, 4, 5)), firstCountsPerRound(jsc, true));
  }

  /** Two rounds; for each, the sorted distinct counts the workers' networks had before their updates. */
  private static List<List<Integer>> firstCountsPerRound(JavaSparkContext jsc, boolean hook) {
    ComputationGraph net = graph();
    ParameterAveragingTrainingMaster tm = new ParameterAveragingTrainingMaster.Builder(WORKERS, BATCH)
        .batchSizePerWorker(BATCH).averagingFrequency(FREQUENCY).workerPrefetchNumBatches(0)
        .rddTrainingApproach(RDDTrainingApproach.Direct).repartionData(Repartition.Never).rngSeed(5).build();
    SparkComputationGraph sparkNet = new SparkComputationGraph(jsc, net, tm);
    List<List<Integer>> rounds = new ArrayList<>();
    for (int round = 0; round < 2; round++) {
      CollectionAccumulator<Integer> seen = jsc.sc().collectionAccumulator();
      List<TrainingHook> hooks = new ArrayList<>();
      if (hook) {
        hooks.add(IterationCountHook.of(sparkNet.getNetwork()));
      }
      hooks.add(new Recorder(seen));
      tm.setTrainingHookList(hooks);
      sparkNet.fitMultiDataSet(batches(jsc, round));
      rounds.add(seen.value().stream().distinct().sorted().toList());
    }
    assertEquals(2 * FREQUENCY, sparkNet.getNetwork().getIterationCount(), "the driver's count");
    return rounds;
  }

  private static JavaRDD<MultiDataSet> batches(JavaSparkContext jsc, int round) {
    ScoreNetworkConfig config = TinyNetworks.tinyMlp();
    DenoisingScoreMatching dsm = new DenoisingScoreMatching(new VpSde(), config);
    Random rng = new Random(round);
    List<MultiDataSet> list = new ArrayList<>();
    for (int b = 0; b < WORKERS * FREQUENCY; b++) {
      double[] t = new double[BATCH];
      double[] w = new double[BATCH];
      for (int i = 0; i < BATCH; i++) {
        t[i] = 0.1 + 0.8 * rng.nextDouble();
        w[i] = 1.0;
      }
      list.add(dsm.batch(Nd4j.rand(DataType.FLOAT, BATCH, config.dimension()), t, w, 100L * round + b));
    }
    return jsc.parallelize(list, WORKERS);
  }

  private static ComputationGraph graph() {
    return new ScoreNetworkBuilder(TinyNetworks.tinyMlp()).newTrainingGraph(new Adam(1e-3), DataType.FLOAT);
  }

  /** Records the worker network's iteration count before each update. */
  private record Recorder(CollectionAccumulator<Integer> seen) implements TrainingHook {
    @Override
    public void preUpdate(MultiDataSet minibatch, Model model) {
      seen.add(((ComputationGraph) model).getIterationCount());
    }

    @Override
    public void preUpdate(DataSet minibatch, Model model) {
      seen.add(((ComputationGraph) model).getIterationCount());
    }

    @Override
    public void postUpdate(MultiDataSet minibatch, Model model) {
    }

    @Override
    public void postUpdate(DataSet minibatch, Model model) {
    }
  }
}
