package org.scoresde.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Numeric settings are checked against their ranges when loaded, with the key, the value and the range in the error. */
class SettingRangesTest {
  private static String refusal(String... sets) {
    return assertThrows(UserError.class, () -> Settings.load(null, List.of(sets))).getMessage();
  }

  @Test
  void theDefaultsAreInRangeAndEveryRangedKeyExists() {
    Settings defaults = assertDoesNotThrow(() -> Settings.load(null, List.of()));
    for (SettingRanges.Range r : SettingRanges.RANGES) {
      assertDoesNotThrow(() -> defaults.config().getValue(r.key()), r.key());
    }
  }

  @Test
  void aValueOutOfRangeOrNotANumberNamesKeyValueAndRange() {
    assertEquals("train.batch-size = 0 is out of range: it must be an integer >= 1", refusal("train.batch-size=0"));
    assertEquals("train.batch-size = abc is not a number: it must be an integer >= 1", refusal("train.batch-size=abc"));
    assertEquals("train.batch-size = 2.5 is not a whole number: it must be an integer >= 1", refusal("train.batch-size=2.5"));
    assertEquals("train.checkpoint-keep = 0 is out of range: it must be an integer >= 1", refusal("train.checkpoint-keep=0"));
    assertEquals("train.ema-decay = 1 is out of range: it must be a number >= 0 and < 1", refusal("train.ema-decay=1"));
    assertEquals("train.learning-rate = -1.0E-4 is out of range: it must be a number > 0", refusal("train.learning-rate=-1e-4"));
    assertEquals("sample.dpm-order = 4 is out of range: it must be an integer >= 1 and <= 3", refusal("sample.dpm-order=4"));
    assertEquals("seed = x is not a number: it must be an integer", refusal("seed=x"));
    assertDoesNotThrow(() -> Settings.load(null, List.of("train.workers=0", "seed=-3", "evaluate.rtol=1e-7")));
  }
}
