package org.scoresde.cli;

import org.scoresde.config.Settings;
import org.scoresde.sde.Sde;
import org.scoresde.train.SdeSettings;
import picocli.CommandLine.Option;

/** The model a job runs: a trained model file, or an exact mixture score with the SDE it is paired with. */
final class ModelOptions {

  @Option(names = "--model", required = true, paramLabel = "M", description = "A trained model.zip, gmm:FILE.json (exact mixture score; needs --sde), or empirical:DATA (the exact "
      + "optimal score of a shard directory's examples, which memorizes them: the reference point for samples and likelihoods; "
      + "needs --sde).")
  String model;

  @Option(names = "--sde", paramLabel = "NAME", description = "vp | subvp | ve: the SDE of a gmm: or empirical: model (its parameters from the sde.* settings).")
  String sde;

  String model() {
    return model;
  }

  /** The SDE named by --sde with its parameters from {@code s}, or null when --sde is not given. */
  Sde sde(Settings s) {
    return sde == null ? null : SdeSettings.sde(sde, s);
  }
}
