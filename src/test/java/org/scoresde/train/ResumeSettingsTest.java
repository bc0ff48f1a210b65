package org.scoresde.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.scoresde.config.UserError;

/** What a resume may change against a run's recorded settings, including runs recorded before a key existed. */
class ResumeSettingsTest {
  private static final Config RECORDED = ConfigFactory.parseString(
      "seed = 42, net { base-channels = 0, dropout = 0.0 }, train { learning-rate = 1e-3, weighting = sigma2 }");

  @Test
  void aKeyAddedLaterAtTheValueOldRunsHadIsNoChange() {
    Config now = ConfigFactory.parseString("net.preconditioning = none").withFallback(RECORDED);
    assertEquals(List.of(), ResumeSettings.check(RECORDED, now));
  }

  @Test
  void aKeyAddedLaterAtAnotherValueIsRefused() {
    Config now = ConfigFactory.parseString("net.preconditioning = skip").withFallback(RECORDED);
    UserError e = assertThrows(UserError.class, () -> ResumeSettings.check(RECORDED, now));
    assertTrue(e.getMessage().contains("net.preconditioning (unset) -> skip"), e.getMessage());
    Config recordedSkip = ConfigFactory.parseString("net.preconditioning = skip").withFallback(RECORDED);
    UserError back = assertThrows(UserError.class,
        () -> ResumeSettings.check(recordedSkip, ConfigFactory.parseString("net.preconditioning = none").withFallback(RECORDED)));
    assertTrue(back.getMessage().contains("net.preconditioning skip -> none"), back.getMessage());
  }

  @Test
  void theScheduleMayChange() {
    Config now = ConfigFactory.parseString("train.learning-rate = 2e-3").withFallback(RECORDED);
    assertEquals("train.learning-rate 0.001 -> 0.002", ResumeSettings.check(RECORDED, now).get(0).toString());
  }
}
