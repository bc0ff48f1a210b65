package org.scoresde.verify;

import java.util.List;
import org.scoresde.config.Settings;

/** The checks that {@code verify} runs, in order. */
public final class VerifySuite {
  private VerifySuite() {}

  public static List<VerifyCheck> checks(Settings settings) {
    return List.of(new SdeChecks(), new TimeChecks(), new ScoreChecks(),
        new LikelihoodChecks(settings.getInt("verify.likelihood-examples")),
        new SamplerChecks(settings.getInt("verify.samples")),
        new org.scoresde.fp.FokkerPlanckChecks());
  }
}
