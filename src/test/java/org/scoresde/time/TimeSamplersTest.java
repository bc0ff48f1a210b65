package org.scoresde.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.scoresde.sde.Sdes;
import org.scoresde.sde.VpSde;

class TimeSamplersTest {

  @Test
  void buildsEachCombinationFromItsWords() {
    TimeSampler u = TimeSamplers.create(new VpSde(), "uniform", "sigma2", 1e-5);
    assertInstanceOf(UniformTimeSampler.class, u);
    assertEquals(LossWeighting.SIGMA2, ((UniformTimeSampler) u).weighting());
    TimeSampler ul = TimeSamplers.create(new VpSde(), "Uniform", "LIKELIHOOD", 1e-5);
    assertEquals(LossWeighting.LIKELIHOOD, ((UniformTimeSampler) ul).weighting());
    TimeSampler i = TimeSamplers.create(Sdes.create("subvp"), "importance", "likelihood", 1e-3);
    assertInstanceOf(ImportanceTimeSampler.class, i);
    assertEquals(1e-3, i.eta());
    assertInstanceOf(ImportanceTimeSampler.class, TimeSamplers.create(Sdes.create("ve"), "importance", "likelihood", 1e-5));
  }

  @Test
  void importanceNeedsLikelihoodWeighting() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TimeSamplers.create(new VpSde(), "importance", "sigma2", 1e-5));
    assertTrue(e.getMessage().contains("likelihood"), e.getMessage());
  }

  @Test
  void unknownWordsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> TimeSamplers.create(new VpSde(), "stratified", "sigma2", 1e-5));
    assertThrows(IllegalArgumentException.class, () -> TimeSamplers.create(new VpSde(), "uniform", "simple", 1e-5));
    assertThrows(IllegalArgumentException.class, () -> TimeSamplers.create(new VpSde(), null, "sigma2", 1e-5));
    assertEquals(LossWeighting.LIKELIHOOD, LossWeighting.parse(" likelihood "));
  }
}
