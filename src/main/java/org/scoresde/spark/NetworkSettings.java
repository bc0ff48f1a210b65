package org.scoresde.spark;

import java.util.List;
import org.scoresde.config.Settings;
import org.scoresde.config.UserError;
import org.scoresde.data.Manifest;
import org.scoresde.nn.ScoreNetworkConfig;
import org.scoresde.nn.TimeEmbeddingKind;

/**
 * The score network for a dataset: the default for its shape, with any {@code net.*} key that is
 * set (not "default") replacing the default's value.
 */
public final class NetworkSettings {
  private NetworkSettings() {}

  public static ScoreNetworkConfig network(Settings s, Manifest m) {
    ScoreNetworkConfig d = ScoreNetworkConfig.defaultFor(m.channels(), m.height(), m.width());
    try {
      int base = s.getInt("net.base-channels") > 0 ? s.getInt("net.base-channels") : d.baseChannels();
      List<Integer> mults = s.getIntList("net.channel-multipliers").isEmpty() || d.vector()
          ? d.channelMultipliers() : s.getIntList("net.channel-multipliers");
      int blocks = s.getInt("net.residual-blocks") > 0 ? s.getInt("net.residual-blocks") : d.residualBlocks();
      String emb = s.getString("net.time-embedding");
      TimeEmbeddingKind kind = emb.equals("default") ? d.timeEmbedding() : TimeEmbeddingKind.valueOf(emb.toUpperCase());
      return new ScoreNetworkConfig(d.channels(), d.height(), d.width(), d.vector(), base, mults, blocks, kind,
          d.timeEmbeddingSize(), d.fourierScale(), d.timeHiddenSize(), s.getDouble("net.dropout"), d.normalization(),
          d.maxGroups(), d.seed());
    } catch (IllegalArgumentException e) {
      throw new UserError("network configuration: " + e.getMessage());
    }
  }
}
