package org.scoresde.train;

import java.util.Optional;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.scoresde.config.Settings;
import org.scoresde.fp.FokkerPlanckLoss;
import org.scoresde.nn.ScoreNetworkBuilder;
import org.scoresde.nn.ScoreNetworkConfig;

/**
 * Builds the graph the train job trains — Adam with {@link WarmupSchedule}, float32, the DSM loss or
 * FP-Diffusion's {@link FokkerPlanckLoss}, per-layer L2 gradient clipping — from the run's settings,
 * so that train and the benchmark harness measure one and the same construction.
 */
public final class TrainingGraphs {
  private final double learningRate;
  private final int warmup;
  private final double gradClip;

  public TrainingGraphs(double learningRate, int warmup, double gradClip) {
    this.learningRate = learningRate;
    this.warmup = warmup;
    this.gradClip = gradClip;
  }

  /** From {@code train.learning-rate}, {@code train.warmup} and {@code train.grad-clip}. */
  public static TrainingGraphs of(Settings settings) {
    return new TrainingGraphs(settings.getDouble("train.learning-rate"), settings.getInt("train.warmup"),
        settings.getDouble("train.grad-clip"));
  }

  /**
   * Gives a restored training graph this schedule (a resume that changes the learning rate or
   * warm-up); the iteration count and Adam's moments carry on.
   */
  public void applySchedule(ComputationGraph restored) {
    restored.setLearningRate(new WarmupSchedule(learningRate, warmup));
  }

  /** A freshly initialized training graph of {@code network}, with {@code fp}'s loss when present. */
  public ComputationGraph build(ScoreNetworkConfig network, Optional<FokkerPlanckLoss> fp) {
    Adam adam = new Adam(new WarmupSchedule(learningRate, warmup));
    ScoreNetworkBuilder builder = new ScoreNetworkBuilder(network);
    ComputationGraphConfiguration conf = fp.isPresent()
        ? builder.training(adam, DataType.FLOAT, fp.get()) : builder.training(adam, DataType.FLOAT);
    if (gradClip > 0) {
      for (var v : conf.getVertices().values()) {
        if (v instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof BaseLayer bl) {
          bl.setGradientNormalization(GradientNormalization.ClipL2PerLayer);
          bl.setGradientNormalizationThreshold(gradClip);
        }
      }
    }
    ComputationGraph graph = new ComputationGraph(conf);
    graph.init();
    return graph;
  }
}
