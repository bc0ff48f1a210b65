package org.scoresde.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.scoresde.config.Settings;
import org.scoresde.config.UserError;
import org.scoresde.data.Manifest;
import org.scoresde.fp.FokkerPlanckLoss;
import org.scoresde.nn.ScoreNetworkConfig;
import org.scoresde.sde.SubVpSde;

/** The train job's whole configuration comes typed from the settings, and bad blocks are refused before Spark. */
class TrainSettingsTest {
  /** A 28x28 grey image dataset's manifest: all the network settings look at is the shape. */
  private static final Manifest IMAGES = new Manifest(1, "idx", "uint8", 10, 28, 28, 1, 1, List.of(), "train", 1,
      null, null, null, null, "0", "x", List.of(), null);

  private static Settings settings(String... overrides) {
    return Settings.load(null, List.of(overrides));
  }

  @Test
  void theBlocksAreReadTyped() {
    TrainSettings t = TrainSettings.from(settings("sde.name=subvp", "net.base-channels=16", "train.fp.alpha=0.5",
        "train.fp.probes=2"));
    assertTrue(t.sde() instanceof SubVpSde);
    ScoreNetworkConfig net = t.network().forData(IMAGES);
    assertEquals(16, net.baseChannels());
    assertEquals(ScoreNetworkConfig.defaultFor(1, 28, 28).channelMultipliers(), net.channelMultipliers());
    FokkerPlanckLoss fp = t.fp().orElseThrow();
    assertEquals(FokkerPlanckSettings.rowsPerExample(t.fp(), 4), fp.stencil().groupSizeAt(4));
    assertTrue(TrainSettings.from(settings()).fp().isEmpty(), "alpha 0 is plain DSM");
    assertEquals("m.zip", TrainSettings.from(settings()).withInit("m.zip").options().init());
    assertTrue(TrainSettings.from(settings()).withInit("m.zip").source().render().contains("m.zip"));
  }

  @Test
  void badBlocksAreOneErrorNamingTheKeys() {
    UserError dropout = assertThrows(UserError.class, () -> TrainSettings.from(settings("train.fp.alpha=1",
        "net.dropout=0.1")));
    assertTrue(dropout.getMessage().contains("net.dropout = 0"), dropout.getMessage());
    UserError steps = assertThrows(UserError.class, () -> TrainSettings.from(settings("train.fp.alpha=1",
        "train.fp.time-steps=[0.01]")));
    assertTrue(steps.getMessage().contains("train.fp.time-steps"), steps.getMessage());
    UserError embedding = assertThrows(UserError.class, () -> TrainSettings.from(settings("net.time-embedding=wavelet"))
        .network().forData(IMAGES));
    assertTrue(embedding.getMessage().startsWith("network configuration"), embedding.getMessage());
  }
}
