package org.scoresde.quality;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.scoresde.io.ChecksumFile;

/**
 * The small Fashion-MNIST classifier whose penultimate activations are the features of the
 * sample-quality Frechet distance (the role Inception plays in FID): a multilayer perceptron of
 * built-in DL4J dense layers (784, 192, 64 features, 10 classes); dense rather than convolutional
 * because DL4J's convolutions are ~10x slower on this CPU, and features must be cheap enough to
 * compute for 10,000 reference images in a test. Its identity is the SHA-256 of its
 * model file, reported with every distance so that numbers from different classifiers are never
 * compared.
 */
public final class FashionClassifier {
  /** Where the committed classifier lives inside the jar (copied from models/ by the build). */
  public static final String RESOURCE = "/models/fashion-mnist-classifier.zip";
  /** Input side: 28x28 grey images, pixels / 255. */
  public static final int SIDE = 28;
  /** Width of the feature layer. */
  public static final int FEATURES = 64;
  private static final int CLASSES = 10;
  private static final int HIDDEN = 192;
  private final MultiLayerNetwork net;
  private final String sha256;

  private FashionClassifier(MultiLayerNetwork net, String sha256) {
    this.net = net;
    this.sha256 = sha256;
  }

  /** A freshly initialised network, to be trained. */
  public static MultiLayerNetwork untrained(long seed) {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
        .seed(seed)
        .dataType(DataType.FLOAT)
        .updater(new Adam(1e-3))
        .weightInit(WeightInit.RELU)
        .list(
            new DenseLayer.Builder().nOut(HIDDEN).activation(Activation.RELU).build(),
            new DenseLayer.Builder().nOut(FEATURES).activation(Activation.RELU).build(),
            new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(CLASSES)
                .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build())
        .setInputType(InputType.feedForward(SIDE * SIDE))
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  /** The model file of a trained network (no updater state). */
  public static byte[] toBytes(MultiLayerNetwork net) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ModelSerializer.writeModel(net, out, false);
    return out.toByteArray();
  }

  /** A classifier from its model file's bytes; a file that is not such a network is refused. */
  public static FashionClassifier fromBytes(byte[] bytes) throws IOException {
    MultiLayerNetwork net;
    try {
      net = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes), false);
    } catch (RuntimeException e) {
      throw new IOException("not a classifier model file: " + e.getMessage(), e);
    }
    int layers = net.getnLayers();
    if (layers < 2 || net.layerInputSize(0) != SIDE * SIDE || net.layerSize(layers - 2) != FEATURES
        || net.layerSize(layers - 1) != CLASSES) {
      throw new IOException("not the feature classifier: expected " + SIDE * SIDE + " inputs, " + FEATURES
          + " features and " + CLASSES + " classes");
    }
    return new FashionClassifier(net, ChecksumFile.sha256(bytes));
  }

  /** The committed classifier, from the classpath (the jar, also under spark-submit). */
  public static FashionClassifier bundled() throws IOException {
    return fromBytes(bundledBytes());
  }

  /** The bytes of the committed classifier. */
  public static byte[] bundledBytes() throws IOException {
    try (InputStream in = FashionClassifier.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IOException("the classifier " + RESOURCE + " is not on the classpath (build with mvn package)");
      }
      return in.readAllBytes();
    }
  }

  /** The SHA-256 of the model file: the classifier's identity. */
  public String sha256() {
    return sha256;
  }

  /** Penultimate-layer activations [N, FEATURES] of images [N, 784] in [0, 1]. */
  public INDArray features(INDArray pixels) {
    List<INDArray> acts = net.feedForwardToLayer(net.getnLayers() - 2, pixels.castTo(DataType.FLOAT), false);
    return acts.get(acts.size() - 1).reshape(pixels.size(0), -1);
  }

  /** Predicted classes of images [N, 784] in [0, 1]. */
  public int[] predict(INDArray pixels) {
    return net.predict(pixels.castTo(DataType.FLOAT));
  }

  /** The fraction of images whose predicted class is their label, evaluated in batches. */
  public double accuracy(LabelledImages data, int batch) {
    long right = 0;
    for (int from = 0; from < data.count(); from += batch) {
      int to = Math.min(data.count(), from + batch);
      int[] p = predict(data.pixels().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to),
          org.nd4j.linalg.indexing.NDArrayIndex.all()));
      for (int i = 0; i < p.length; i++) {
        if (p[i] == data.labels()[from + i]) {
          right++;
        }
      }
    }
    return (double) right / data.count();
  }
}
