package org.scoresde.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.junit.jupiter.api.Test;
import org.scoresde.config.Settings;
import org.scoresde.config.UserError;

/** The train job's options come typed from the configuration, and a bad combination is refused before any Spark session. */
class TrainOptionsTest {
  @Test
  void theDefaultsAreReadTyped() {
    TrainOptions o = TrainOptions.from(Settings.load(null, List.of()));
    Settings s = Settings.load(null, List.of());
    assertEquals(s.getInt("train.batch-size"), o.batchSize());
    assertEquals(s.getDouble("train.ema-decay"), o.emaDecay(), 0.0);
    assertEquals(s.getString("train.weighting"), o.weighting());
    assertEquals(RDDTrainingApproach.valueOf(s.getString("train.approach").substring(0, 1).toUpperCase()
        + s.getString("train.approach").substring(1)), o.approach());
    assertNull(o.exportDir(), "an empty export directory means none");
    assertEquals(o.workers() > 0 ? o.workers() : 6, o.workers(6));
    assertEquals(s.getBoolean("train.carry-iteration-count"), o.carryIterationCount());
    assertTrue(TrainOptions.from(Settings.load(null, List.of("train.carry-iteration-count=true"))).carryIterationCount());
  }

  @Test
  void badCombinationsAreRefusedWithTheKeys() {
    UserError bins = assertThrows(UserError.class, () -> TrainOptions.from(
        Settings.load(null, List.of("train.probe-examples=8", "train.loss-by-t-bins=9"))));
    assertTrue(bins.getMessage().contains("train.loss-by-t-bins") && bins.getMessage().contains("(8)"), bins.getMessage());
    UserError approach = assertThrows(UserError.class, () -> TrainOptions.from(
        Settings.load(null, List.of("train.approach=shared"))));
    assertTrue(approach.getMessage().contains("direct or export"), approach.getMessage());
    assertEquals(3, TrainOptions.from(Settings.load(null, List.of("train.workers=3"))).workers(8));
  }
}
