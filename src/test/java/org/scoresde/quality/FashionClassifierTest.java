package org.scoresde.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.scoresde.testing.FashionMnist;

/**
 * The committed classifier on the real Fashion-MNIST test set: it is the file models/ names by its
 * checksum, it classifies well, and its Frechet distance separates two halves of the test set
 * (small) from noise images (large).
 */
class FashionClassifierTest {
  static LabelledImages test;
  static FashionClassifier classifier;

  @BeforeAll
  static void load() throws IOException {
    test = LabelledImages.readIdx(FashionMnist.path("t10k-images-idx3-ubyte.gz"),
        FashionMnist.path("t10k-labels-idx1-ubyte.gz"), new Configuration());
    classifier = FashionClassifier.bundled();
  }

  @Test
  void bundledClassifierIsTheCommittedFile() throws IOException {
    String line = Files.readString(Path.of("models/fashion-mnist-classifier.zip.sha256"));
    assertEquals(line.substring(0, 64), classifier.sha256());
    assertEquals(classifier.sha256(), org.scoresde.io.ChecksumFile.sha256(Path.of("models/fashion-mnist-classifier.zip")));
    assertTrue(Files.size(Path.of("models/fashion-mnist-classifier.zip")) < 1_000_000);
  }

  @Test
  void classifiesTheTestSetWell() {
    assertEquals(10_000, test.count());
    double accuracy = classifier.accuracy(test, 1000);
    assertTrue(accuracy > 0.85, "test accuracy " + accuracy);
  }

  @Test
  void frechetDistanceSeparatesTestHalvesFromNoise() throws IOException {
    ClassifierFeatures features = ClassifierFeatures.bundled();
    INDArray a = test.pixels().get(NDArrayIndex.interval(0, 5000), NDArrayIndex.all());
    INDArray b = test.pixels().get(NDArrayIndex.interval(5000, 10000), NDArrayIndex.all());
    INDArray noise = Nd4j.rand(DataType.FLOAT, 5000, 784);
    double halves = FrechetDistance.between(features.moments(a), features.moments(b));
    double vsNoise = FrechetDistance.between(features.moments(a), features.moments(noise));
    // one class alone (the shirts, label 6) is far from the whole test set too, but nearer than noise
    int[] shirts = java.util.stream.IntStream.range(0, 10000).filter(i -> test.labels()[i] == 6).toArray();
    double vsOneClass = FrechetDistance.between(features.moments(test.pixels()), features.moments(test.pixels().getRows(shirts)));
    System.err.printf("FD halves %.4f, one class %.3f, noise %.3f%n", halves, vsOneClass, vsNoise);
    assertTrue(halves > 0);
    assertTrue(vsOneClass > 20 * halves, "one class " + vsOneClass + " vs halves " + halves);
    assertTrue(vsNoise > 100 * halves, "noise " + vsNoise + " vs halves " + halves);
    assertTrue(vsNoise > vsOneClass);
  }

  @Test
  void samplesAreQuantizedLikeThePicture() throws IOException {
    var t = org.scoresde.data.DataTransform.pixels8Bit(-1, 1);
    assertEquals(0, ClassifierFeatures.pixel(t, -5));
    assertEquals(255, ClassifierFeatures.pixel(t, 1.0));
    assertEquals(128, ClassifierFeatures.pixel(t, t.toModel(128, 0.5)));
    // generated samples at the bin centres of test images give the test images' own features
    float[][] model = new float[100][784];
    for (int i = 0; i < 100; i++) {
      float[] px = test.pixels().getRow(i).toFloatVector();
      for (int j = 0; j < 784; j++) {
        model[i][j] = (float) t.toModel(Math.round(px[j] * 255), 0.5);
      }
    }
    ClassifierFeatures f = ClassifierFeatures.bundled();
    FeatureMoments fromSamples = f.ofSamples(model, t);
    FeatureMoments fromPixels = f.moments(test.pixels().get(NDArrayIndex.interval(0, 100), NDArrayIndex.all()));
    assertEquals(0.0, FrechetDistance.between(fromSamples, fromPixels), 1e-6);
  }

  @Test
  void aFileThatIsNotAClassifierIsRefused() {
    assertThrows(IOException.class, () -> FashionClassifier.fromBytes("hello".getBytes()));
  }
}
