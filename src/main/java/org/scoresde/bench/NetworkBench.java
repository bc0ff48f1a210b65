package org.scoresde.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.scoresde.likelihood.DivergenceEstimator;
import org.scoresde.model.NetworkScoreModel;
import org.scoresde.nn.ScoreNetworkBuilder;
import org.scoresde.nn.ScoreNetworkConfig;
import org.scoresde.sde.Sde;
import org.scoresde.train.DenoisingScoreMatching;

/**
 * The single-process figures of the default network in one JVM: a training step (graph.fit on a
 * DSM minibatch), the score (forward), the score with a vector-Jacobian product, and the
 * probability-flow likelihood at a fixed NFE, all on one float32 batch.
 */
final class NetworkBench {
  private final ScoreNetworkConfig config;
  private final Sde sde;
  private final int batch;

  NetworkBench(ScoreNetworkConfig config, Sde sde, int batch) {
    this.config = config;
    this.sde = sde;
    this.batch = batch;
  }

  /** What one run measured. */
  record Figures(long parameters, double convFlopsPerImage, Backend backend, Measurement train, Measurement forward,
      Measurement vjp, Measurement likelihood, int likelihoodNfe, SingleConvolution.Figures singleConv) {

    ObjectNode write(ObjectNode node) {
      node.put("parameters", parameters);
      node.put("conv_flops_per_image", convFlopsPerImage);
      node.put("likelihood_nfe", likelihoodNfe);
      backend.write(node.putObject("backend"));
      train.write(node.putObject("train"));
      forward.write(node.putObject("forward"));
      vjp.write(node.putObject("vjp"));
      likelihood.write(node.putObject("likelihood"));
      singleConv.layer().write(node.putObject("single_conv_gflops"));
      singleConv.op().write(node.putObject("single_conv_op_gflops"));
      return node;
    }

    static Figures read(JsonNode node) {
      return new Figures(node.get("parameters").asLong(), node.get("conv_flops_per_image").asDouble(),
          Backend.read(node.get("backend")), Measurement.read(node.get("train")), Measurement.read(node.get("forward")),
          Measurement.read(node.get("vjp")), Measurement.read(node.get("likelihood")), node.get("likelihood_nfe").asInt(),
          new SingleConvolution.Figures(Measurement.read(node.get("single_conv_gflops")),
              Measurement.read(node.get("single_conv_op_gflops"))));
    }
  }

  Figures run(Stopwatch watch, ProcessWarmup warmup, int likelihoodNfe, java.util.function.Consumer<String> log) {
    ScoreNetworkBuilder builder = new ScoreNetworkBuilder(config);
    ComputationGraph train = builder.newTrainingGraph(new Adam(2e-4), DataType.FLOAT);
    double convFlops = ConvFlops.forwardPerExample(builder.inference(DataType.FLOAT, WorkspaceMode.ENABLED), config);
    Random rng = new Random(config.seed());
    double[] t = new double[batch];
    double[] w = new double[batch];
    for (int i = 0; i < batch; i++) {
      t[i] = 1e-3 + rng.nextDouble() * (1 - 1e-3);
      w[i] = sde.std(t[i]) * sde.std(t[i]);
    }
    Nd4j.getRandom().setSeed(config.seed());
    INDArray x0 = Nd4j.rand(DataType.FLOAT, batch, config.channels(), config.height(), config.width()).muli(2).subi(1);
    MultiDataSet mds = new DenoisingScoreMatching(sde, config).batch(x0, t, w, config.seed());

    NetworkScoreModel model = new NetworkScoreModel(train, config, sde);
    INDArray x = x0.reshape(batch, config.dimension());
    INDArray tt = Nd4j.createFromArray(t).castTo(DataType.FLOAT);
    INDArray v = Nd4j.randn(DataType.FLOAT, batch, config.dimension());
    if (warmup.seconds() > 0) {
      log.accept(String.format("warm-up: %.0f s of training steps, forwards and forward + VJPs", warmup.seconds()));
      warmup.run(List.of(() -> train.fit(mds), () -> model.score(x, tt), () -> model.scoreAndVjp(x, tt, v)));
    }
    log.accept("training step");
    Measurement trainRate = watch.rate(batch, () -> train.fit(mds));
    Backend backend = Backend.of(train);
    log.accept("forward");
    Measurement forward = watch.rate(batch, () -> model.score(x, tt));
    log.accept("forward + VJP");
    Measurement vjp = watch.rate(batch, () -> model.scoreAndVjp(x, tt, v));
    log.accept("likelihood at " + likelihoodNfe + " NFE");
    FixedStepLikelihood likelihood = new FixedStepLikelihood(model, DivergenceEstimator.rademacher(), likelihoodNfe);
    Stopwatch longer = new Stopwatch(1, Math.max(2, watch.repeats() / 3), watch.budgetSeconds());
    Measurement lik = longer.rate(batch, () -> likelihood.logLikelihood(x, 1L));
    log.accept("one 3x3 convolution");
    SingleConvolution.Figures conv = SingleConvolution.gflops(watch, batch);
    return new Figures(train.numParams(), convFlops, backend, trainRate, forward, vjp, lik, likelihoodNfe, conv);
  }
}
