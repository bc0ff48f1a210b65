package org.scoresde.model;

import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.scoresde.nd4j.Workspaces;
import org.scoresde.nn.InputGradientGraph;
import org.scoresde.nn.Preconditioning;
import org.scoresde.nn.ScoreNetworkBuilder;
import org.scoresde.nn.ScoreNetworkConfig;
import org.scoresde.nn.TimeEmbedding;
import org.scoresde.score.ScoreModel;
import org.scoresde.sde.Sde;

/**
 * A trained noise-prediction network behind the {@link ScoreModel} seam:
 * s(x, t) = -eps_theta(x, t) / sigma_t for every SDE, where eps_theta = c_skip x + c_out F_theta(x, t)
 * (the network's {@link Preconditioning}; c_skip = 0 and c_out = 1 without one), with the exact
 * vector-Jacobian product v^T ds/dx = -(c_skip v + c_out v^T dF_theta/dx) / sigma_t from one backward pass.
 *
 * <p>It keeps copies of the parameters taken at construction in two evaluation graphs: one for the
 * score alone and one for input gradients, both in workspaces. Rows are independent (the network
 * normalizes per example). Not for concurrent use from several threads.
 */
public final class NetworkScoreModel implements ScoreModel {
  private final Sde sde;
  private final ScoreNetworkConfig config;
  private final TimeEmbedding embedding;
  private final ComputationGraph forward;
  private final InputGradientGraph gradient;
  private final DataType dataType;
  private final Preconditioning preconditioning;

  /** Wraps the network whose parameters {@code trained} holds (a training or evaluation graph of {@code config}). */
  public NetworkScoreModel(ComputationGraph trained, ScoreNetworkConfig config, Sde sde) {
    this(trained, config, sde, trained.params().dataType());
  }

  /** The same, computing in {@code dataType} (the parameters are cast). */
  public NetworkScoreModel(ComputationGraph trained, ScoreNetworkConfig config, Sde sde, DataType dataType) {
    this.sde = sde;
    this.config = config;
    this.embedding = TimeEmbedding.of(config);
    this.dataType = dataType;
    this.preconditioning = config.preconditioning();
    ScoreNetworkBuilder builder = new ScoreNetworkBuilder(config);
    Map<String, INDArray> params = trained.paramTable();
    this.forward = builder.forwardGraph(params, dataType);
    this.gradient = builder.gradientGraph(params, dataType);
  }

  public ScoreNetworkConfig config() {
    return config;
  }

  /** The data type the network computes in (its parameters' type). */
  public DataType dataType() {
    return dataType;
  }

  @Override
  public int dimension() {
    return config.dimension();
  }

  @Override
  public Sde sde() {
    return sde;
  }

  /** eps_theta(x, t) as [N, D], in x's data type, in the caller's workspace if one is open. */
  public INDArray predictNoise(INDArray x, INDArray t) {
    INDArray out = forward.output(false, Workspaces.current(), networkInput(x), embedding.features(t.castTo(dataType)))[0];
    INDArray f = flat(out, x.size(0)).castTo(x.dataType());
    if (preconditioning.isNone()) {
      return f;
    }
    return f.muliColumnVector(column(t, preconditioning::out, x.dataType()))
        .addi(x.mulColumnVector(column(t, preconditioning::skip, x.dataType())));
  }

  @Override
  public INDArray score(INDArray x, INDArray t) {
    return predictNoise(x, t).muliColumnVector(column(t, (sde, ti) -> -1.0 / sde.std(ti), x.dataType()));
  }

  @Override
  public INDArray vjp(INDArray x, INDArray t, INDArray v) {
    return scoreAndVjp(x, t, v).vjp();
  }

  @Override
  public ScoreAndVjp scoreAndVjp(INDArray x, INDArray t, INDArray v) {
    long n = x.size(0);
    INDArray outScale = column(t, (sde, ti) -> -preconditioning.out(sde, ti) / sde.std(ti), dataType);
    INDArray upstream = networkInput(v.castTo(dataType).mulColumnVector(outScale));
    InputGradientGraph.OutputAndGradient r = gradient.outputAndInputGradient(
        new INDArray[] {networkInput(x), embedding.features(t.castTo(dataType))}, upstream);
    INDArray score = flat(r.output(), n).muliColumnVector(outScale);
    INDArray vjp = flat(r.inputGradient(), n);
    if (!preconditioning.isNone()) {
      INDArray skipScale = column(t, (sde, ti) -> -preconditioning.skip(sde, ti) / sde.std(ti), dataType);
      score.addi(x.castTo(dataType).mulColumnVector(skipScale));
      vjp.addi(v.castTo(dataType).mulColumnVector(skipScale));
    }
    return new ScoreAndVjp(score.castTo(x.dataType()), vjp.castTo(x.dataType()));
  }

  /** A coefficient of each row's time as a column [N, 1]. */
  private INDArray column(INDArray t, java.util.function.ToDoubleBiFunction<Sde, Double> coefficient, DataType type) {
    long n = t.length();
    double[] c = new double[(int) n];
    for (int i = 0; i < n; i++) {
      c[i] = coefficient.applyAsDouble(sde, t.getDouble(i));
    }
    return Nd4j.createFromArray(c).reshape(n, 1).castTo(type);
  }

  /** x [N, D] as the network's input: [N, C, H, W] for images, [N, D] for vectors, in the network's type. */
  private INDArray networkInput(INDArray x) {
    if (x.rank() != 2 || x.size(1) != config.dimension()) {
      throw new IllegalArgumentException("expected x of shape [N, " + config.dimension() + "], got "
          + java.util.Arrays.toString(x.shape()));
    }
    INDArray typed = x.castTo(dataType);
    if (config.vector()) {
      return typed;
    }
    return typed.dup('c').reshape('c', x.size(0), config.channels(), config.height(), config.width());
  }

  private static INDArray flat(INDArray out, long n) {
    return out.dup('c').reshape('c', n, out.length() / n);
  }
}
