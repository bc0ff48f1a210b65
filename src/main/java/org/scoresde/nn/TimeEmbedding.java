package org.scoresde.nn;

import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Turns diffusion times into the features the network is conditioned on, outside the graph: a
 * plain function fixed by the network configuration (kind, size, Fourier scale, seed), so a model
 * file rebuilds exactly the same features. Layout: the first E/2 columns are sines, the last E/2
 * cosines, of the same angles.
 */
public final class TimeEmbedding {
  private static final double SINUSOIDAL_TIME_SCALE = 1000.0;
  private static final double SINUSOIDAL_MAX_PERIOD = 10000.0;

  private final int size;
  /** The angular frequency of each sine/cosine pair: the angle is frequency * t. */
  private final double[] frequencies;

  public TimeEmbedding(TimeEmbeddingKind kind, int size, double fourierScale, long seed) {
    if (size <= 0 || size % 2 != 0) {
      throw new IllegalArgumentException("time embedding size must be positive and even, got " + size);
    }
    this.size = size;
    int half = size / 2;
    this.frequencies = new double[half];
    if (kind == TimeEmbeddingKind.FOURIER) {
      Random rng = new Random(seed);
      for (int k = 0; k < half; k++) {
        frequencies[k] = 2.0 * Math.PI * fourierScale * rng.nextGaussian();
      }
    } else {
      double step = half > 1 ? Math.log(SINUSOIDAL_MAX_PERIOD) / (half - 1) : 0.0;
      for (int k = 0; k < half; k++) {
        frequencies[k] = SINUSOIDAL_TIME_SCALE * Math.exp(-step * k);
      }
    }
  }

  /** The embedding a network with this configuration was built for. */
  public static TimeEmbedding of(ScoreNetworkConfig config) {
    return new TimeEmbedding(config.timeEmbedding(), config.timeEmbeddingSize(), config.fourierScale(), config.seed());
  }

  /** The number of features E. */
  public int size() {
    return size;
  }

  /** Features of t [N] (or [N, 1]) as [N, E], in t's data type. */
  public INDArray features(INDArray t) {
    int n = (int) t.length();
    int half = size / 2;
    double[] buf = new double[n * size];
    for (int i = 0; i < n; i++) {
      double ti = t.getDouble(i);
      for (int k = 0; k < half; k++) {
        double angle = frequencies[k] * ti;
        buf[i * size + k] = Math.sin(angle);
        buf[i * size + k + half] = Math.cos(angle);
      }
    }
    return Nd4j.create(buf, new long[] {n, size}, org.nd4j.linalg.api.buffer.DataType.DOUBLE).castTo(t.dataType());
  }

  /** Features of the times in {@code t} as [N, E], in the given data type. */
  public INDArray features(double[] t, org.nd4j.linalg.api.buffer.DataType type) {
    return features(Nd4j.createFromArray(t).castTo(type));
  }
}
