package org.scoresde.train;

import java.util.Optional;
import org.scoresde.config.Settings;
import org.scoresde.fp.FokkerPlanckLoss;
import org.scoresde.sde.Sde;

/**
 * Everything the train job takes from the configuration, typed and checked before Spark starts: its
 * options, the SDE, the network settings (resolved against the data's shape when it is read), the
 * optimizer and the FP-Diffusion loss. {@code source} is the configuration itself, which a run records
 * in its config.conf and a resume compares with (see {@link ResumeSettings}); nothing is read from it.
 */
public record TrainSettings(Settings source, TrainOptions options, Sde sde, NetworkSettings network,
    TrainingGraphs optimizer, FokkerPlanckSettings fpSettings, Optional<FokkerPlanckLoss> fp) {

  /** The train settings of {@code s}; a bad value or combination is one {@code UserError} naming the keys. */
  public static TrainSettings from(Settings s) {
    TrainOptions options = TrainOptions.from(s);
    Sde sde = SdeSettings.sde(s);
    NetworkSettings network = NetworkSettings.from(s);
    FokkerPlanckSettings fpSettings = FokkerPlanckSettings.from(s);
    return new TrainSettings(s, options, sde, network, TrainingGraphs.of(s), fpSettings, fpSettings.loss(sde, network));
  }

  /** These settings recording {@code init} as train.init: a resumed run keeps the init it started from. */
  public TrainSettings withInit(String init) {
    return from(source.with("train.init", init));
  }
}
