package org.scoresde.model;

import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.scoresde.nd4j.Workspaces;
import org.scoresde.nn.InputGradientGraph;
import org.scoresde.nn.ScoreNetworkBuilder;
import org.scoresde.nn.ScoreNetworkConfig;
import org.scoresde.nn.TimeEmbedding;
import org.scoresde.score.ScoreModel;
import org.scoresde.sde.Sde;

/**
 * A trained noise-prediction network behind the {@link ScoreModel} seam:
 * s(x, t) = -eps_theta(x, t) / sigma_t for every SDE (for VE the network output is scaled by
 * 1 / sigma_t, so the network still predicts the noise), with the exact vector-Jacobian product
 * v^T ds/dx = -(v / sigma_t)^T d eps_theta/dx from one backward pass.
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
    return flat(out, x.size(0)).castTo(x.dataType());
  }

  @Override
  public INDArray score(INDArray x, INDArray t) {
    return predictNoise(x, t).muliColumnVector(negativeInverseStd(t, x.dataType()));
  }

  @Override
  public INDArray vjp(INDArray x, INDArray t, INDArray v) {
    return scoreAndVjp(x, t, v).vjp();
  }

  @Override
  public ScoreAndVjp scoreAndVjp(INDArray x, INDArray t, INDArray v) {
    long n = x.size(0);
    INDArray scale = negativeInverseStd(t, dataType);
    INDArray upstream = networkInput(v.castTo(dataType).mulColumnVector(scale));
    InputGradientGraph.OutputAndGradient r = gradient.outputAndInputGradient(
        new INDArray[] {networkInput(x), embedding.features(t.castTo(dataType))}, upstream);
    INDArray score = flat(r.output(), n).muliColumnVector(scale);
    INDArray vjp = flat(r.inputGradient(), n);
    return new ScoreAndVjp(score.castTo(x.dataType()), vjp.castTo(x.dataType()));
  }

  /** -1 / sigma_t as a column [N, 1]. */
  private INDArray negativeInverseStd(INDArray t, DataType type) {
    long n = t.length();
    double[] s = new double[(int) n];
    for (int i = 0; i < n; i++) {
      s[i] = -1.0 / sde.std(t.getDouble(i));
    }
    return Nd4j.createFromArray(s).reshape(n, 1).castTo(type);
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
