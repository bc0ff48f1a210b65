package org.scoresde.nn;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.scoresde.sde.VpSde;
import org.scoresde.train.DenoisingScoreMatching;

/**
 * Not a test: a timing probe for score networks on this CPU (float32, batch 64). Prints the
 * multiply-add count per image and the medians of forward, training-step and forward+VJP
 * throughput. Arguments: base channel counts to compare (default: the 28x28x1 default's).
 */
public final class ScoreNetworkBenchmark {
  private ScoreNetworkBenchmark() {}

  public static void main(String[] args) {
    int batch = 64;
    int iterations = Integer.getInteger("iterations", 10);
    if (Boolean.getBoolean("sizesOnly")) {
      for (ScoreNetworkConfig c : List.of(ScoreNetworkConfig.defaultFor(1, 28, 28),
          ScoreNetworkConfig.unet(1, 28, 28, 32, List.of(1, 2, 2), 1), ScoreNetworkConfig.defaultFor(3, 32, 32))) {
        ScoreNetworkBuilder b = new ScoreNetworkBuilder(c);
        ComputationGraph g = new ComputationGraph(b.inference(DataType.FLOAT, org.deeplearning4j.nn.conf.WorkspaceMode.ENABLED));
        g.init();
        System.out.printf("%dx%dx%d base=%d mult=%s blocks=%d: %d parameters, %.1f M multiply-adds per image%n", c.channels(),
            c.height(), c.width(), c.baseChannels(), c.channelMultipliers(), c.residualBlocks(), g.numParams(),
            multiplyAdds(b.inference(DataType.FLOAT, org.deeplearning4j.nn.conf.WorkspaceMode.ENABLED), c) / 1e6);
      }
      return;
    }
    ScoreNetworkConfig base = ScoreNetworkConfig.defaultFor(1, 28, 28);
    int[] widths = args.length == 0 ? new int[] {base.baseChannels()} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
    for (int width : widths) {
      ScoreNetworkConfig config = width == base.baseChannels() ? base
          : ScoreNetworkConfig.unet(1, 28, 28, width, base.channelMultipliers(), base.residualBlocks());
      run(config, batch, iterations);
    }
  }

  private static void run(ScoreNetworkConfig config, int batch, int iterations) {
    ScoreNetworkBuilder builder = new ScoreNetworkBuilder(config);
    ComputationGraph train = builder.newTrainingGraph(new Adam(2e-4), DataType.FLOAT);
    double macs = multiplyAdds(builder.inference(DataType.FLOAT, org.deeplearning4j.nn.conf.WorkspaceMode.ENABLED), config);
    Random rng = new Random(1);
    double[] t = new double[batch];
    double[] w = new double[batch];
    for (int i = 0; i < batch; i++) {
      t[i] = 1e-3 + rng.nextDouble() * (1 - 1e-3);
      w[i] = 1;
    }
    INDArray x0 = Nd4j.rand(DataType.FLOAT, batch, 1, 28, 28).muli(2).subi(1);
    DenoisingScoreMatching dsm = new DenoisingScoreMatching(new VpSde(), config);
    MultiDataSet mds = dsm.batch(x0, t, w, 7L);
    System.out.printf("28x28x1 base=%d mult=%s blocks=%d params=%d: %.1f M multiply-adds per image forward (%.0f MFLOP)%n",
        config.baseChannels(), config.channelMultipliers(), config.residualBlocks(), train.numParams(), macs / 1e6, 2 * macs / 1e6);
    double trainMs = median(iterations, () -> train.fit(mds));
    System.out.printf("  train step %.0f ms%n", trainMs);
    NetworkScoreModel model = new NetworkScoreModel(train, config, new VpSde());
    INDArray x = x0.reshape(batch, config.dimension());
    INDArray tt = Nd4j.createFromArray(t).castTo(DataType.FLOAT);
    INDArray v = Nd4j.randn(DataType.FLOAT, batch, config.dimension());
    double forwardMs = median(iterations, () -> model.score(x, tt));
    double vjpMs = median(iterations, () -> model.scoreAndVjp(x, tt, v));
    System.out.printf("  batch %d: forward %.0f img/s (%.0f ms), train step %.0f img/s (%.0f ms), forward+VJP %.0f img/s (%.0f ms)%n",
        batch, 1000 * batch / forwardMs, forwardMs, 1000 * batch / trainMs, trainMs, 1000 * batch / vjpMs, vjpMs);
  }

  /** Multiply-adds of the convolution and dense layers for one example. */
  static double multiplyAdds(ComputationGraphConfiguration conf, ScoreNetworkConfig config) {
    InputType data = InputType.convolutional(config.height(), config.width(), config.channels());
    Map<String, InputType> types = conf.getLayerActivationTypes(data, InputType.feedForward(config.timeEmbeddingSize()));
    double total = 0;
    for (Map.Entry<String, org.deeplearning4j.nn.conf.graph.GraphVertex> e : conf.getVertices().entrySet()) {
      if (!(e.getValue() instanceof LayerVertex lv)) {
        continue;
      }
      Object layer = lv.getLayerConf().getLayer();
      if (layer instanceof ConvolutionLayer c) {
        InputType.InputTypeConvolutional out = (InputType.InputTypeConvolutional) types.get(e.getKey());
        total += (double) out.getHeight() * out.getWidth() * c.getNIn() * c.getNOut() * c.getKernelSize()[0] * c.getKernelSize()[1];
      } else if (layer instanceof DenseLayer d) {
        total += (double) d.getNIn() * d.getNOut();
      }
    }
    return total;
  }

  /**
   * The median wall time of one run in ms; also prints the median process CPU time, which stays
   * meaningful when other processes share the cores (run with OMP_NUM_THREADS=1 to compare).
   */
  private static double median(int iterations, Runnable r) {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    r.run();
    double[] ms = new double[iterations];
    double[] cpu = new double[iterations];
    for (int i = 0; i < iterations; i++) {
      long c0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      r.run();
      ms[i] = (System.nanoTime() - t0) / 1e6;
      cpu[i] = (os.getProcessCpuTime() - c0) / 1e6;
    }
    Arrays.sort(ms);
    Arrays.sort(cpu);
    System.out.printf("    wall %.0f ms, process CPU %.0f ms (medians of %d)%n", ms[iterations / 2], cpu[iterations / 2], iterations);
    return ms[iterations / 2];
  }

}
