package org.scoresde.train;

import java.util.List;
import org.scoresde.config.Settings;
import org.scoresde.config.UserError;
import org.scoresde.data.DataTransform;
import org.scoresde.data.Manifest;
import org.scoresde.nn.Preconditioning;
import org.scoresde.nn.ScoreNetworkConfig;
import org.scoresde.nn.TimeEmbeddingKind;

/**
 * The {@code net.*} block: the score network's width, depth, time embedding, dropout and output
 * preconditioning as set, where 0,
 * an empty list or "default" keeps the dataset's default ({@link #forData}).
 */
public record NetworkSettings(int baseChannels, List<Integer> channelMultipliers, int residualBlocks,
    String timeEmbedding, double dropout, String preconditioning) {

  public NetworkSettings {
    channelMultipliers = List.copyOf(channelMultipliers);
  }

  public static NetworkSettings from(Settings s) {
    return new NetworkSettings(s.getInt("net.base-channels"), s.getIntList("net.channel-multipliers"),
        s.getInt("net.residual-blocks"), s.getString("net.time-embedding"), s.getDouble("net.dropout"),
        s.getString("net.preconditioning"));
  }

  /**
   * The default network for the data's shape with every key that is set replacing the default's value;
   * a {@code skip} preconditioning takes its data standard deviation from the manifest's statistics in
   * the model space of {@code transform} (the root mean square, since the data is not centred), or
   * {@link Preconditioning#DEFAULT_DATA_STD} when the manifest has none.
   */
  public ScoreNetworkConfig forData(Manifest m, DataTransform transform) {
    ScoreNetworkConfig d = ScoreNetworkConfig.defaultFor(m.channels(), m.height(), m.width());
    try {
      int base = baseChannels > 0 ? baseChannels : d.baseChannels();
      List<Integer> mults = channelMultipliers.isEmpty() || d.vector() ? d.channelMultipliers() : channelMultipliers;
      int blocks = residualBlocks > 0 ? residualBlocks : d.residualBlocks();
      TimeEmbeddingKind kind = timeEmbedding.equals("default")
          ? d.timeEmbedding() : TimeEmbeddingKind.valueOf(timeEmbedding.toUpperCase());
      return new ScoreNetworkConfig(d.channels(), d.height(), d.width(), d.vector(), base, mults, blocks, kind,
          d.timeEmbeddingSize(), d.fourierScale(), d.timeHiddenSize(), dropout, d.normalization(),
          d.maxGroups(), d.seed(), new Preconditioning(preconditioning,
              transform.modelRms(m.mean(), m.std()).orElse(Preconditioning.DEFAULT_DATA_STD)));
    } catch (IllegalArgumentException e) {
      throw new UserError("network configuration: " + e.getMessage());
    }
  }
}
