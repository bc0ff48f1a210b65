package org.scoresde.quality;

import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains the feature classifier with Adam on minibatches in a seeded shuffled order per epoch, so
 * that the same seed and data give the same weights; prints progress with an ETA on stderr.
 */
public final class ClassifierTraining {
  private final int epochs;
  private final int batchSize;
  private final long seed;

  public ClassifierTraining(int epochs, int batchSize, long seed) {
    if (epochs < 1 || batchSize < 1) {
      throw new IllegalArgumentException("epochs and batch size must be at least 1");
    }
    this.epochs = epochs;
    this.batchSize = batchSize;
    this.seed = seed;
  }

  /** Trains a fresh network on {@code train}. */
  public MultiLayerNetwork train(LabelledImages train) {
    MultiLayerNetwork net = FashionClassifier.untrained(seed);
    int n = train.count();
    INDArray oneHot = Nd4j.zeros(DataType.FLOAT, n, 10);
    for (int i = 0; i < n; i++) {
      oneHot.putScalar(i, train.labels()[i], 1f);
    }
    Random rng = new Random(seed);
    long start = System.nanoTime();
    long batches = (long) epochs * ((n + batchSize - 1) / batchSize);
    long done = 0;
    for (int e = 0; e < epochs; e++) {
      int[] order = permutation(n, rng);
      for (int from = 0; from < n; from += batchSize) {
        int to = Math.min(n, from + batchSize);
        int[] idx = new int[to - from];
        for (int i = from; i < to; i++) {
          idx[i - from] = order[i];
        }
        INDArray x = train.pixels().getRows(idx);
        INDArray y = oneHot.getRows(idx);
        net.fit(new DataSet(x, y));
        done++;
        if (done % 100 == 0 || done == batches) {
          double s = (System.nanoTime() - start) / 1e9;
          System.err.printf("classifier: epoch %d/%d, batch %d/%d, loss %.4f, %.0f s elapsed, ETA %.0f s%n", e + 1,
              epochs, done, batches, net.score(), s, s / done * (batches - done));
        }
      }
    }
    return net;
  }

  private static int[] permutation(int n, Random rng) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
