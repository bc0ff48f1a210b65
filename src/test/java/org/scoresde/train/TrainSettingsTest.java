package org.scoresde.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.scoresde.config.Settings;
import org.scoresde.config.UserError;
import org.scoresde.data.DataTransform;
import org.scoresde.data.Manifest;
import org.scoresde.fp.FokkerPlanckLoss;
import org.scoresde.nn.Preconditioning;
import org.scoresde.nn.ScoreNetworkConfig;
import org.scoresde.sde.SubVpSde;

/** The train job's whole configuration comes typed from the settings, and bad blocks are refused before Spark. */
class TrainSettingsTest {
  /** A 28x28 grey image dataset's manifest: all the network settings look at is the shape. */
  private static final Manifest IMAGES = new Manifest(1, "idx", "uint8", 10, 28, 28, 1, 1, List.of(), "train", 1,
      null, null, null, null, "0", "x", List.of(), null);

  private static final DataTransform PIXELS = DataTransform.pixels8Bit(-1.0, 1.0);

  private static Settings settings(String... overrides) {
    return Settings.load(null, List.of(overrides));
  }

  @Test
  void theBlocksAreReadTyped() {
    TrainSettings t = TrainSettings.from(settings("sde.name=subvp", "net.base-channels=16", "train.fp.alpha=0.5",
        "train.fp.probes=2", "net.preconditioning=none"));
    assertTrue(t.sde() instanceof SubVpSde);
    ScoreNetworkConfig net = t.network().forData(IMAGES, PIXELS);
    assertEquals(16, net.baseChannels());
    assertEquals(ScoreNetworkConfig.defaultFor(1, 28, 28).channelMultipliers(), net.channelMultipliers());
    FokkerPlanckLoss fp = t.fp().orElseThrow();
    assertEquals(FokkerPlanckSettings.rowsPerExample(t.fp(), 4), fp.stencil().groupSizeAt(4));
    assertTrue(TrainSettings.from(settings()).fp().isEmpty(), "alpha 0 is plain DSM");
    assertEquals(Preconditioning.of("skip"),
        TrainSettings.from(settings("net.preconditioning=skip")).network().forData(IMAGES, PIXELS).preconditioning());
    assertEquals(Preconditioning.NONE,
        TrainSettings.from(settings("net.preconditioning=none")).network().forData(IMAGES, PIXELS).preconditioning());
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
        .network().forData(IMAGES, PIXELS));
    assertTrue(embedding.getMessage().startsWith("network configuration"), embedding.getMessage());
    UserError kind = assertThrows(UserError.class, () -> TrainSettings.from(settings("net.preconditioning=edm"))
        .network().forData(IMAGES, PIXELS));
    assertTrue(kind.getMessage().contains("preconditioning must be none or skip, got edm"), kind.getMessage());
    UserError fpSkip = assertThrows(UserError.class, () -> TrainSettings.from(settings("train.fp.alpha=1",
        "net.preconditioning=skip")));
    assertTrue(fpSkip.getMessage().contains("needs net.preconditioning = none"), fpSkip.getMessage());
  }

  /** Fashion-MNIST's statistics (mean 73.0, standard deviation 90.0 of 255) in [-1, 1]: mean -0.426, sd 0.703. */
  @Test
  void skipTakesTheDataScaleFromTheManifest() {
    Manifest stats = new Manifest(1, "idx", "uint8", 10, 28, 28, 1, 1, List.of(), "train", 1,
        List.of(72.98), List.of(90.04), null, null, "0", "x", List.of(), null);
    double mean = -1 + 2 * (72.98 + 0.5) / 256;
    double sd = Math.sqrt(90.04 * 90.04 + 1.0 / 12) * 2 / 256;
    ScoreNetworkConfig net = TrainSettings.from(settings("net.preconditioning=skip")).network().forData(stats, PIXELS);
    assertEquals(Math.sqrt(mean * mean + sd * sd), net.preconditioning().dataStd(), 1e-12);
    assertEquals(0.822, net.preconditioning().dataStd(), 1e-3);
    assertEquals(Preconditioning.DEFAULT_DATA_STD,
        TrainSettings.from(settings("net.preconditioning=skip")).network().forData(IMAGES, PIXELS).preconditioning().dataStd(),
        "a manifest without statistics keeps the default");
  }
}
