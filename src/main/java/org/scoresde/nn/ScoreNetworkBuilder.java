package org.scoresde.nn;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * The one place that turns a {@link ScoreNetworkConfig} into a DL4J ComputationGraph, and the one
 * place every score network passes through when it is created for training, for evaluation or for
 * input gradients. Callers and model-file readers never name layers or blocks themselves, so faster
 * blocks (e.g. oneDNN-backed convolutions) can replace the built-in ones here alone.
 *
 * <p>Inputs: {@value #INPUT} is the noisy data ([N, C, H, W], or [N, D] for vectors) and
 * {@value #TIME} the time features [N, E] from {@link TimeEmbedding}. The plain output
 * {@value #OUTPUT} is the noise prediction eps_theta with the data's shape. Training graphs add the
 * loss layer {@value #LOSS} ({@link WeightedNoiseLoss} on the output flattened to [N, D]).
 *
 * <p>Images: a U-Net. Each level has {@code residualBlocks} residual blocks on the way down (then
 * 2x2 average pooling) and as many on the way up (each concatenating the matching skip, then
 * nearest-neighbour upsampling), with one residual block in the middle. A residual block is
 * norm+Swish, 3x3 conv, plus the block's projection of the time vector, norm+Swish, (dropout) 3x3
 * conv, added to the (1x1-projected when channels change) input and scaled by 1/sqrt 2.
 * The time vector is Swish(dense(Swish(dense(features)))); each block projects it with its own
 * dense layer and adds it to every pixel of its channel ({@link ChannelBroadcastAdd}). Layers and
 * vertices are DL4J's built-in ones or plain-Java ones of this package with exact backward passes,
 * never SameDiff-backed ones, which backpropagate wrong gradients in DL4J 1.0.0-M2.1. Vectors: the
 * same blocks with dense layers.
 * Normalization: see {@link Normalization}.
 */
public final class ScoreNetworkBuilder {
  /** The graph input carrying the noisy data. */
  public static final String INPUT = "x";
  /** The graph input carrying the time features. */
  public static final String TIME = "temb";
  /** The plain output layer: the noise prediction. */
  public static final String OUTPUT = "eps";
  /** The training graph's loss layer. */
  public static final String LOSS = "loss";
  /** The input-gradient graph's {@link InputGradientTap} after {@value #INPUT}. */
  public static final String INPUT_TAP = "x_tap";

  private static final String TIME_VECTOR = "time_dense1";
  private static final double NORM_EPSILON = 1e-5;
  private static final double SKIP_SCALE = 1.0 / Math.sqrt(2.0);

  private final ScoreNetworkConfig config;

  public ScoreNetworkBuilder(ScoreNetworkConfig config) {
    this.config = config;
  }

  public ScoreNetworkConfig config() {
    return config;
  }

  /** The training graph's configuration: output followed by the weighted loss, dropout as configured. */
  public ComputationGraphConfiguration training(IUpdater updater, DataType dataType) {
    return training(updater, dataType, new WeightedNoiseLoss());
  }

  /**
   * The training graph's configuration with another loss on the flattened output [N, D] in place of
   * {@link WeightedNoiseLoss} (e.g. the Fokker-Planck-regularized loss of org.scoresde.fp).
   */
  public ComputationGraphConfiguration training(IUpdater updater, DataType dataType, ILossFunction lossFunction) {
    return build(true, updater, dataType, WorkspaceMode.ENABLED, lossFunction, false);
  }

  /**
   * The evaluation graph's configuration: the same layers and parameters with the plain output
   * {@value #OUTPUT} and no dropout.
   */
  public ComputationGraphConfiguration inference(DataType dataType, WorkspaceMode workspaceMode) {
    return build(false, new NoOp(), dataType, workspaceMode, null, false);
  }

  /**
   * The input-gradient graph's configuration: the evaluation graph with workspaces on and an
   * {@link InputGradientTap} {@value #INPUT_TAP} between {@value #INPUT} and the first layer.
   */
  public ComputationGraphConfiguration inputGradient(DataType dataType) {
    return build(false, new NoOp(), dataType, WorkspaceMode.ENABLED, null, true);
  }

  /** A freshly initialized training graph (weights drawn from the config seed). */
  public ComputationGraph newTrainingGraph(IUpdater updater, DataType dataType) {
    ComputationGraph graph = new ComputationGraph(training(updater, dataType));
    graph.init();
    return graph;
  }

  /**
   * An evaluation graph (workspaces on) computing in {@code dataType} with a copy of {@code params},
   * a parameter table such as ComputationGraph.paramTable() of a graph of this configuration.
   */
  public ComputationGraph forwardGraph(Map<String, INDArray> params, DataType dataType) {
    return withParameters(new ComputationGraph(inference(dataType, WorkspaceMode.ENABLED)), params);
  }

  /** An input-gradient graph computing in {@code dataType} with a copy of {@code params} (see forwardGraph). */
  public InputGradientGraph gradientGraph(Map<String, INDArray> params, DataType dataType) {
    return withParameters(new InputGradientGraph(inputGradient(dataType), INPUT_TAP, OUTPUT), params);
  }

  /**
   * Initializes {@code graph} (unless it is) and copies the parameters in by name, cast to its data
   * type (DL4J's setParamTable, which refuses other names or shapes). Flattened parameter vectors
   * are in DL4J's topological order, which moves whenever a parameter-free vertex is added or
   * removed (and model files keep the order they were written with), so graphs never exchange them.
   */
  public static <G extends ComputationGraph> G withParameters(G graph, Map<String, INDArray> params) {
    graph.init();
    graph.setParamTable(params);
    return graph;
  }

  private ComputationGraphConfiguration build(boolean training, IUpdater updater, DataType dataType, WorkspaceMode ws,
      ILossFunction lossFunction, boolean tapInput) {
    GraphBuilder g = new NeuralNetConfiguration.Builder()
        .seed(config.seed())
        .dataType(dataType)
        .updater(updater)
        .weightInit(WeightInit.XAVIER)
        .activation(Activation.IDENTITY)
        .convolutionMode(ConvolutionMode.Same)
        .trainingWorkspaceMode(ws)
        .inferenceWorkspaceMode(ws)
        .graphBuilder()
        .addInputs(INPUT, TIME);
    InputType data = config.vector()
        ? InputType.feedForward(config.width())
        : InputType.convolutional(config.height(), config.width(), config.channels());
    g.setInputTypes(data, InputType.feedForward(config.timeEmbeddingSize()));

    int hidden = config.timeHiddenSize();
    g.addLayer("time_dense0", dense(config.timeEmbeddingSize(), hidden, new SwishActivation(), 0), TIME);
    g.addLayer(TIME_VECTOR, dense(hidden, hidden, new SwishActivation(), 0), "time_dense0");

    String input = INPUT;
    if (tapInput) {
      g.addVertex(INPUT_TAP, new InputGradientTap(), INPUT);
      input = INPUT_TAP;
    }
    Blocks blocks = new Blocks(g, training, input);
    if (config.vector()) {
      blocks.mlp();
    } else {
      blocks.unet();
    }
    if (training) {
      LossLayer loss = new LossLayer.Builder(lossFunction).activation(Activation.IDENTITY).build();
      if (config.vector()) {
        g.addLayer(LOSS, loss, OUTPUT);
      } else {
        g.addLayer(LOSS, loss,
            new CnnToFeedForwardPreProcessor(config.height(), config.width(), config.channels()), OUTPUT);
      }
      g.setOutputs(LOSS);
    } else {
      g.setOutputs(OUTPUT);
    }
    return g.build();
  }

  private static DenseLayer dense(int nIn, int nOut, IActivation activation, double dropRetain) {
    DenseLayer.Builder b = new DenseLayer.Builder().nIn(nIn).nOut(nOut).activation(activation);
    if (dropRetain > 0) {
      b.dropOut(dropRetain);
    }
    return b.build();
  }

  /** Adds blocks to one graph under construction. */
  private final class Blocks {
    private final GraphBuilder g;
    private final double dropRetain;
    private final String input;

    Blocks(GraphBuilder g, boolean training, String input) {
      this.g = g;
      this.input = input;
      this.dropRetain = training && config.dropout() > 0 ? 1.0 - config.dropout() : 0.0;
    }

    void unet() {
      int levels = config.levels();
      int ch = config.channelsAt(0);
      g.addLayer("conv_in", conv(config.channels(), ch, 3, 0), input);
      String x = "conv_in";
      Deque<String> skips = new ArrayDeque<>();
      Deque<Integer> skipChannels = new ArrayDeque<>();
      for (int l = 0; l < levels; l++) {
        int out = config.channelsAt(l);
        for (int b = 0; b < config.residualBlocks(); b++) {
          x = convBlock("down" + l + "_" + b, x, ch, out);
          ch = out;
          skips.push(x);
          skipChannels.push(ch);
        }
        if (l < levels - 1) {
          String pool = "down" + l + "_pool";
          g.addLayer(pool, new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(2, 2).stride(2, 2).build(), x);
          x = pool;
        }
      }
      x = convBlock("mid", x, ch, ch);
      for (int l = levels - 1; l >= 0; l--) {
        int out = config.channelsAt(l);
        for (int b = 0; b < config.residualBlocks(); b++) {
          String name = "up" + l + "_" + b;
          g.addVertex(name + "_cat", new MergeVertex(), x, skips.pop());
          x = convBlock(name, name + "_cat", ch + skipChannels.pop(), out);
          ch = out;
        }
        if (l > 0) {
          String up = "up" + l + "_upsample";
          g.addLayer(up, new Upsampling2D.Builder(2).build(), x);
          x = up;
        }
      }
      String last = normAct("out_act", x, ch);
      g.addLayer(OUTPUT, conv(ch, config.channels(), 3, 0), last);
    }

    void mlp() {
      int width = config.baseChannels();
      g.addLayer("dense_in", dense(config.width(), width, Activation.IDENTITY.getActivationFunction(), 0), input);
      String x = "dense_in";
      for (int b = 0; b < config.residualBlocks(); b++) {
        x = denseBlock("block" + b, x, width);
      }
      String last = normAct("out_act", x, width);
      g.addLayer(OUTPUT, dense(width, config.width(), Activation.IDENTITY.getActivationFunction(), 0), last);
    }

    private String convBlock(String name, String in, int cin, int cout) {
      String act0 = normAct(name + "_act0", in, cin);
      g.addLayer(name + "_conv0", conv(cin, cout, 3, 0), act0);
      g.addVertex(name + "_addtime", new ChannelBroadcastAdd(), name + "_conv0", timeProjection(name, cout));
      String act1 = normAct(name + "_act1", name + "_addtime", cout);
      g.addLayer(name + "_conv1", conv(cout, cout, 3, dropRetain), act1);
      String skip = in;
      if (cin != cout) {
        g.addLayer(name + "_skip", conv(cin, cout, 1, 0), in);
        skip = name + "_skip";
      }
      return residual(name, skip, name + "_conv1");
    }

    private String denseBlock(String name, String in, int width) {
      IActivation id = Activation.IDENTITY.getActivationFunction();
      String act0 = normAct(name + "_act0", in, width);
      g.addLayer(name + "_dense0", dense(width, width, id, 0), act0);
      g.addLayer(name + "_time", dense(config.timeHiddenSize(), width, id, 0), TIME_VECTOR);
      g.addVertex(name + "_addtime", new ElementWiseVertex(ElementWiseVertex.Op.Add), name + "_dense0", name + "_time");
      String act1 = normAct(name + "_act1", name + "_addtime", width);
      g.addLayer(name + "_dense1", dense(width, width, id, dropRetain), act1);
      return residual(name, in, name + "_dense1");
    }

    /** The block's projection [N, c] of the time vector. */
    private String timeProjection(String name, int c) {
      g.addLayer(name + "_time", dense(config.timeHiddenSize(), c, Activation.IDENTITY.getActivationFunction(), 0), TIME_VECTOR);
      return name + "_time";
    }

    private String residual(String name, String skip, String branch) {
      g.addVertex(name + "_sum", new ElementWiseVertex(ElementWiseVertex.Op.Add), skip, branch);
      g.addVertex(name, new ScaleVertex(SKIP_SCALE), name + "_sum");
      return name;
    }

    private ConvolutionLayer conv(int cin, int cout, int kernel, double retain) {
      ConvolutionLayer.Builder b = new OneDnnConvolution.Builder(kernel, kernel).nIn(cin).nOut(cout).stride(1, 1)
          .activation(Activation.IDENTITY);
      if (retain > 0) {
        b.dropOut(retain);
      }
      return b.build();
    }

    /**
     * Normalization and Swish of {@code in} as layer {@code name}: an {@link ActivationOutOfPlace},
     * which leaves its input intact for the other vertices that read it (a residual skip).
     */
    private String normAct(String name, String in, int channels) {
      g.addLayer(name, new ActivationOutOfPlace(normActivation(channels)), in);
      return name;
    }

    private IActivation normActivation(int channels) {
      if (config.normalization() == Normalization.GROUP) {
        return new GroupNormActivation(config.groupsFor(channels), NORM_EPSILON, true);
      }
      return new SwishActivation();
    }
  }
}
