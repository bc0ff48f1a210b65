package org.scoresde.spark;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Gives each worker's network the driver's iteration and epoch counts at the start of an averaging
 * round. dl4j-spark's parameter-averaging worker builds its network from a clone of the broadcast
 * configuration, and {@code ComputationGraphConfiguration.clone()} drops both counts (1.0.0-M2), so
 * every worker would restart the learning-rate schedule and Adam's bias correction at iteration 0 in
 * every round: the steps taken are a few percent of {@code train.learning-rate}. With
 * {@code train.carry-iteration-count} the driver installs a fresh hook with its graph's counts before
 * each round; before a worker's update, the hook raises the worker's counts to them if they are behind.
 */
public record IterationCountHook(int iteration, int epoch) implements TrainingHook {

  /** A hook carrying {@code driver}'s current counts. */
  public static IterationCountHook of(ComputationGraph driver) {
    ComputationGraphConfiguration c = driver.getConfiguration();
    return new IterationCountHook(c.getIterationCount(), c.getEpochCount());
  }

  @Override
  public void preUpdate(MultiDataSet minibatch, Model model) {
    advance(model);
  }

  @Override
  public void preUpdate(DataSet minibatch, Model model) {
    advance(model);
  }

  @Override
  public void postUpdate(MultiDataSet minibatch, Model model) {
  }

  @Override
  public void postUpdate(DataSet minibatch, Model model) {
  }

  private void advance(Model model) {
    if (model instanceof ComputationGraph graph) {
      ComputationGraphConfiguration c = graph.getConfiguration();
      c.setIterationCount(Math.max(c.getIterationCount(), iteration));
      c.setEpochCount(Math.max(c.getEpochCount(), epoch));
    }
  }
}
