package org.scoresde.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.scoresde.config.UserError;

class DivergenceGuardTest {
  @Test
  void aLossAboveTheFactorTimesTheBestRoundStopsTheRunNamingTheCheckpoint() throws Exception {
    DivergenceGuard guard = new DivergenceGuard(1000, "1000", 784.0);
    guard.check(700, 0, 0, () -> Optional.of("unused"));
    guard.check(2.0, 0, 1, () -> Optional.of("unused"));
    guard.check(1999, 0, 2, () -> Optional.of("unused"));
    UserError e = assertThrows(UserError.class, () -> guard.check(2001, 1, 3, () -> Optional.of("/r/checkpoints/round-2")));
    assertEquals("loss 2001 in epoch 1 round 3 is over 1000 (train.divergence-factor) times 2.000, the lower of the run's best"
        + " round and an untrained network's loss: training diverged; the last good checkpoint is /r/checkpoints/round-2:"
        + " lower train.learning-rate or raise train.warmup, then --resume", e.getMessage());
  }

  @Test
  void theReferenceLossBoundsTheFirstRound() {
    DivergenceGuard guard = new DivergenceGuard(1000, "1e3", 784.0);
    UserError e = assertThrows(UserError.class, () -> guard.check(1e7, 0, 0, Optional::empty));
    assertEquals("loss 1.000e+07 in epoch 0 round 0 is over 1e3 (train.divergence-factor) times 784.0, the lower of the run's"
        + " best round and an untrained network's loss: training diverged; no checkpoint was written yet, so the run is"
        + " removed: lower train.learning-rate or raise train.warmup and start again", e.getMessage());
  }

  @Test
  void aNonFiniteLossStopsTheRunEvenWithTheFactorOff() throws Exception {
    DivergenceGuard guard = new DivergenceGuard(0, "0", Double.POSITIVE_INFINITY);
    guard.check(1e30, 0, 0, Optional::empty);
    UserError e = assertThrows(UserError.class, () -> guard.check(Double.NaN, 2, 5, () -> Optional.of("c")));
    assertEquals("loss became NaN in epoch 2 round 5; the last good checkpoint is c: lower train.learning-rate or raise"
        + " train.warmup, then --resume", e.getMessage());
  }
}
