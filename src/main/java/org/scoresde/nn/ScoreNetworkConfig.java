package org.scoresde.nn;

import java.util.List;
import java.util.Objects;

/**
 * Everything that defines the score network's architecture, saved inside every model file so a
 * model file alone rebuilds the network. Images get a U-Net over [C, H, W]; vectors (a flag, data
 * shape 1 x 1 x D) get a residual MLP conditioned on the same time embedding.
 *
 * @param channels data channels C (1 for vectors)
 * @param height data height H (1 for vectors)
 * @param width data width W (the dimension D for vectors)
 * @param vector true for vector data and the MLP network
 * @param baseChannels channels of the U-Net's first level, or the hidden width of the MLP
 * @param channelMultipliers per U-Net level, its channels as a multiple of baseChannels; each level
 *     after the first halves the resolution (empty for the MLP)
 * @param residualBlocks residual blocks per U-Net level (down and up path each), or in total for the MLP
 * @param timeEmbedding how t becomes features ({@link TimeEmbedding})
 * @param timeEmbeddingSize the number of time features E (even)
 * @param fourierScale the standard deviation of the Gaussian Fourier frequencies
 * @param timeHiddenSize the width of the dense layers that turn time features into the conditioning vector
 * @param dropout drop probability inside residual blocks during training (0 = none)
 * @param normalization the normalization inside residual blocks
 * @param maxGroups the most groups a group normalization uses (fewer when channels are few)
 * @param seed seeds the Fourier frequencies and the initial weights
 * @param preconditioning how the network's output becomes the noise prediction (absent in model files
 *     written before it existed: {@link Preconditioning#NONE})
 */
public record ScoreNetworkConfig(
    int channels,
    int height,
    int width,
    boolean vector,
    int baseChannels,
    List<Integer> channelMultipliers,
    int residualBlocks,
    TimeEmbeddingKind timeEmbedding,
    int timeEmbeddingSize,
    double fourierScale,
    int timeHiddenSize,
    double dropout,
    Normalization normalization,
    int maxGroups,
    long seed,
    Preconditioning preconditioning) implements java.io.Serializable {

  public ScoreNetworkConfig {
    preconditioning = preconditioning == null ? Preconditioning.NONE : preconditioning;
    Objects.requireNonNull(timeEmbedding, "timeEmbedding");
    Objects.requireNonNull(normalization, "normalization");
    channelMultipliers = List.copyOf(Objects.requireNonNull(channelMultipliers, "channelMultipliers"));
    require(channels > 0 && height > 0 && width > 0, "data shape must be positive, got %d x %d x %d", channels, height, width);
    require(baseChannels > 0, "baseChannels must be positive, got %d", baseChannels);
    require(residualBlocks > 0, "residualBlocks must be positive, got %d", residualBlocks);
    require(timeEmbeddingSize > 0 && timeEmbeddingSize % 2 == 0, "timeEmbeddingSize must be positive and even, got %d", timeEmbeddingSize);
    require(timeHiddenSize > 0, "timeHiddenSize must be positive, got %d", timeHiddenSize);
    require(fourierScale > 0, "fourierScale must be positive, got %s", fourierScale);
    require(dropout >= 0 && dropout < 1, "dropout must be in [0, 1), got %s", dropout);
    require(maxGroups > 0, "maxGroups must be positive, got %d", maxGroups);
    if (vector) {
      require(channels == 1 && height == 1, "vector data has shape 1 x 1 x D, got %d x %d x %d", channels, height, width);
      require(channelMultipliers.isEmpty(), "the MLP has no channel multipliers, got %s", channelMultipliers);
    } else {
      require(!channelMultipliers.isEmpty(), "a U-Net needs at least one level");
      for (int m : channelMultipliers) {
        require(m > 0, "channel multipliers must be positive, got %s", channelMultipliers);
      }
      int factor = 1 << (channelMultipliers.size() - 1);
      require(height % factor == 0 && width % factor == 0,
          "%d levels halve the resolution %d times: %d x %d is not divisible by %d; use fewer levels",
          channelMultipliers.size(), channelMultipliers.size() - 1, height, width, factor);
    }
  }

  /** A network predicting the noise itself ({@link Preconditioning#NONE}). */
  public ScoreNetworkConfig(int channels, int height, int width, boolean vector, int baseChannels,
      List<Integer> channelMultipliers, int residualBlocks, TimeEmbeddingKind timeEmbedding, int timeEmbeddingSize,
      double fourierScale, int timeHiddenSize, double dropout, Normalization normalization, int maxGroups, long seed) {
    this(channels, height, width, vector, baseChannels, channelMultipliers, residualBlocks, timeEmbedding,
        timeEmbeddingSize, fourierScale, timeHiddenSize, dropout, normalization, maxGroups, seed, Preconditioning.NONE);
  }

  /** A U-Net for C x H x W images with the remaining settings at their defaults. */
  public static ScoreNetworkConfig unet(int channels, int height, int width, int baseChannels,
      List<Integer> multipliers, int blocksPerLevel) {
    return new ScoreNetworkConfig(channels, height, width, false, baseChannels, multipliers, blocksPerLevel,
        TimeEmbeddingKind.FOURIER, 2 * baseChannels, 16.0, 4 * baseChannels, 0.0, Normalization.GROUP, 32, 42L);
  }

  /** A residual MLP for vectors of dimension d with the remaining settings at their defaults. */
  public static ScoreNetworkConfig mlp(int d, int width, int blocks) {
    return new ScoreNetworkConfig(1, 1, d, true, width, List.of(), blocks,
        TimeEmbeddingKind.FOURIER, 32, 16.0, width, 0.0, Normalization.GROUP, 32, 42L);
  }

  /**
   * The default network for data of shape C x H x W: a small U-Net for 28 x 28 x 1 (trainable on a
   * 2-core CPU), a larger one for 32 x 32 x 3, a residual MLP for vectors (C = H = 1), and for other
   * image shapes as many levels (at most three) as the resolution can halve into.
   */
  public static ScoreNetworkConfig defaultFor(int channels, int height, int width) {
    if (channels == 1 && height == 1) {
      return mlp(width, 128, 3);
    }
    if (channels == 1 && height == 28 && width == 28) {
      return unet(1, 28, 28, 16, List.of(1, 2, 2), 1);
    }
    if (channels == 3 && height == 32 && width == 32) {
      return unet(3, 32, 32, 32, List.of(1, 2, 2, 2), 2);
    }
    int levels = 1;
    while (levels < 3 && height % (1 << levels) == 0 && width % (1 << levels) == 0) {
      levels++;
    }
    List<Integer> mults = List.of(1, 2, 2).subList(0, levels);
    return unet(channels, height, width, 32, mults, 1);
  }

  /** The data dimension D = C * H * W. */
  public int dimension() {
    return channels * height * width;
  }

  /** The number of U-Net levels (0 for the MLP). */
  public int levels() {
    return channelMultipliers.size();
  }

  /** Channels of U-Net level {@code level}. */
  public int channelsAt(int level) {
    return baseChannels * channelMultipliers.get(level);
  }

  /** The groups a group normalization over {@code channels} channels uses: the largest divisor of
   * channels not above min(maxGroups, channels / 4), at least 1. */
  public int groupsFor(int channels) {
    int target = Math.max(1, Math.min(maxGroups, channels / 4));
    for (int g = target; g > 1; g--) {
      if (channels % g == 0) {
        return g;
      }
    }
    return 1;
  }

  public ScoreNetworkConfig withSeed(long newSeed) {
    return new ScoreNetworkConfig(channels, height, width, vector, baseChannels, channelMultipliers, residualBlocks,
        timeEmbedding, timeEmbeddingSize, fourierScale, timeHiddenSize, dropout, normalization, maxGroups, newSeed, preconditioning);
  }

  public ScoreNetworkConfig withDropout(double newDropout) {
    return new ScoreNetworkConfig(channels, height, width, vector, baseChannels, channelMultipliers, residualBlocks,
        timeEmbedding, timeEmbeddingSize, fourierScale, timeHiddenSize, newDropout, normalization, maxGroups, seed, preconditioning);
  }

  public ScoreNetworkConfig withNormalization(Normalization newNormalization) {
    return new ScoreNetworkConfig(channels, height, width, vector, baseChannels, channelMultipliers, residualBlocks,
        timeEmbedding, timeEmbeddingSize, fourierScale, timeHiddenSize, dropout, newNormalization, maxGroups, seed, preconditioning);
  }

  public ScoreNetworkConfig withTimeEmbedding(TimeEmbeddingKind kind, int size) {
    return new ScoreNetworkConfig(channels, height, width, vector, baseChannels, channelMultipliers, residualBlocks,
        kind, size, fourierScale, timeHiddenSize, dropout, normalization, maxGroups, seed, preconditioning);
  }

  public ScoreNetworkConfig withPreconditioning(Preconditioning newPreconditioning) {
    return new ScoreNetworkConfig(channels, height, width, vector, baseChannels, channelMultipliers, residualBlocks,
        timeEmbedding, timeEmbeddingSize, fourierScale, timeHiddenSize, dropout, normalization, maxGroups, seed,
        newPreconditioning);
  }

  private static void require(boolean ok, String format, Object... args) {
    if (!ok) {
      throw new IllegalArgumentException("score network config: " + String.format(format, args));
    }
  }
}
