package org.scoresde.quality;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.scoresde.data.Example;
import org.scoresde.data.DataTransform;

/**
 * The classifier's feature moments of a batch of images, for generated samples (model space) and
 * for reference examples (8-bit pixels) alike; carries the classifier as bytes so that Spark can
 * ship it to executors, where it is opened once per JVM object. Generated samples are quantized to
 * 8-bit exactly as samples.png shows them, so both sides pass through the same pixel grid.
 */
public final class ClassifierFeatures implements Serializable {
  private static final long serialVersionUID = 1L;
  private final byte[] bytes;
  private final String sha256;
  private transient FashionClassifier classifier;

  private ClassifierFeatures(byte[] bytes, FashionClassifier classifier) {
    this.bytes = bytes;
    this.sha256 = classifier.sha256();
    this.classifier = classifier;
  }

  /** From a classifier model file's bytes. */
  public static ClassifierFeatures of(byte[] bytes) throws IOException {
    return new ClassifierFeatures(bytes, FashionClassifier.fromBytes(bytes));
  }

  /** The committed classifier from the classpath. */
  public static ClassifierFeatures bundled() throws IOException {
    return of(FashionClassifier.bundledBytes());
  }

  public String sha256() {
    return sha256;
  }

  /** Moments of the features of model-space samples [N][784] under the model's data transform. */
  public FeatureMoments ofSamples(float[][] samples, DataTransform transform) {
    int n = samples.length;
    int d = samples[0].length;
    float[] flat = new float[n * d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        flat[i * d + j] = pixel(transform, samples[i][j]) / 255f;
      }
    }
    return moments(Nd4j.create(flat, new long[] {n, d}));
  }

  /** Moments of the features of 8-bit examples. */
  public FeatureMoments ofExamples(List<Example> examples) {
    return moments(LabelledImages.of(examples).pixels());
  }

  /** Moments of the features of images [N, 784] in [0, 1]. */
  public FeatureMoments moments(INDArray pixels) {
    double[][] f = open().features(pixels).toDoubleMatrix();
    FeatureMoments m = new FeatureMoments(FashionClassifier.FEATURES);
    for (double[] row : f) {
      m.add(row);
    }
    return m;
  }

  /** The 8-bit level a model-space value shows as (the inverse of the dequantizing map, floored and clamped). */
  static int pixel(DataTransform t, double y) {
    double level = t.isDequantized() ? (y - t.low()) / (t.high() - t.low()) * t.levels() : y * 255.0;
    return (int) Math.max(0, Math.min(255, Math.floor(level)));
  }

  private FashionClassifier open() {
    if (classifier == null) {
      try {
        classifier = FashionClassifier.fromBytes(bytes);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return classifier;
  }
}
