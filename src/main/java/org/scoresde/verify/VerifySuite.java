package org.scoresde.verify;

import java.util.ArrayList;
import java.util.List;
import org.scoresde.config.Settings;

/**
 * The checks that {@code verify} runs, in order: those of the SDEs, times, scores, likelihood and
 * samplers, then the ones the caller adds. The regularizer's checks (package fp) arrive that way,
 * because fp builds on this package's check interface and must not be named by it.
 */
public final class VerifySuite {
  private VerifySuite() {}

  public static List<VerifyCheck> checks(Settings settings, List<VerifyCheck> more) {
    List<VerifyCheck> all = new ArrayList<>(List.of(new SdeChecks(), new TimeChecks(), new ScoreChecks(),
        new LikelihoodChecks(settings.getInt("verify.likelihood-examples")),
        new SamplerChecks(settings.getInt("verify.samples"))));
    all.addAll(more);
    return List.copyOf(all);
  }
}
