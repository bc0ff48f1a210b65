package org.scoresde.train;

import java.util.List;
import org.scoresde.config.Settings;
import org.scoresde.config.UserError;
import org.scoresde.data.Manifest;
import org.scoresde.nn.ScoreNetworkConfig;
import org.scoresde.nn.TimeEmbeddingKind;

/**
 * The {@code net.*} block: the score network's width, depth, time embedding and dropout as set, where 0,
 * an empty list or "default" keeps the dataset's default ({@link #forData}).
 */
public record NetworkSettings(int baseChannels, List<Integer> channelMultipliers, int residualBlocks,
    String timeEmbedding, double dropout) {

  public NetworkSettings {
    channelMultipliers = List.copyOf(channelMultipliers);
  }

  public static NetworkSettings from(Settings s) {
    return new NetworkSettings(s.getInt("net.base-channels"), s.getIntList("net.channel-multipliers"),
        s.getInt("net.residual-blocks"), s.getString("net.time-embedding"), s.getDouble("net.dropout"));
  }

  /** The default network for the data's shape with every key that is set replacing the default's value. */
  public ScoreNetworkConfig forData(Manifest m) {
    ScoreNetworkConfig d = ScoreNetworkConfig.defaultFor(m.channels(), m.height(), m.width());
    try {
      int base = baseChannels > 0 ? baseChannels : d.baseChannels();
      List<Integer> mults = channelMultipliers.isEmpty() || d.vector() ? d.channelMultipliers() : channelMultipliers;
      int blocks = residualBlocks > 0 ? residualBlocks : d.residualBlocks();
      TimeEmbeddingKind kind = timeEmbedding.equals("default")
          ? d.timeEmbedding() : TimeEmbeddingKind.valueOf(timeEmbedding.toUpperCase());
      return new ScoreNetworkConfig(d.channels(), d.height(), d.width(), d.vector(), base, mults, blocks, kind,
          d.timeEmbeddingSize(), d.fourierScale(), d.timeHiddenSize(), dropout, d.normalization(),
          d.maxGroups(), d.seed());
    } catch (IllegalArgumentException e) {
      throw new UserError("network configuration: " + e.getMessage());
    }
  }
}
