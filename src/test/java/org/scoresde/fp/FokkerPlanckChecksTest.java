package org.scoresde.fp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.scoresde.verify.CheckResult;

class FokkerPlanckChecksTest {

  @Test
  void everyCheckPassesWithinTheTimeBudget() {
    FokkerPlanckChecks checks = new FokkerPlanckChecks();
    assertEquals("fp", checks.name());
    org.nd4j.linalg.factory.Nd4j.create(1);
    long start = System.nanoTime();
    List<CheckResult> results = checks.run(new Random(2024));
    double seconds = (System.nanoTime() - start) / 1e9;
    // 3 SDEs x 2 dimensions x 4 checks, the gradient check and the two unbiasedness checks
    assertEquals(27, results.size());
    for (CheckResult r : results) {
      assertEquals("fp", r.group());
      assertTrue(r.pass(), r.check() + ": " + r.value() + " against " + r.tolerance() + " (" + r.detail() + ")");
    }
    // ~3 s warm on an idle 2-core machine (budget ~20 s); 60 s guards against a regression on a shared one
    assertTrue(seconds < 60, "the fp checks took " + seconds + " s");
  }
}
