package org.scoresde.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.scoresde.config.UserError;

class TrainingMetricsTest {

  @Test
  void parsesRoundsLossByTimeAndThroughput() {
    String jsonl = """
        {"epoch":0,"round":0,"examples":100,"loss":2.0,"lr":1e-4,"seconds":4.0,"examples_per_second":25.0,"fp_penalty":4.5e4,
         "loss_by_t":[{"t_lo":0.0,"t_hi":0.5,"loss":3.0},{"t_lo":0.5,"t_hi":1.0,"loss":1.0}]}
        {"epoch":0,"round":1,"examples":200,"loss":1.5,"lr":2e-4,"seconds":10.0,"examples_per_second":"NaN"}
        """.replace(",\n ", ",");
    TrainingMetrics m = TrainingMetrics.parse(jsonl, "m.jsonl");
    assertEquals(2, m.rounds().size());
    assertNull(m.note());
    TrainingRound first = m.rounds().get(0);
    assertEquals(new TimeBinLoss(0.5, 1.0, 1.0), first.lossByT().get(1));
    assertEquals(0.75, first.lossByT().get(1).center());
    assertTrue(Double.isNaN(m.rounds().get(1).examplesPerSecond()), "NaN written as a string by Jackson");
    assertEquals(1, m.roundsWithLossByT().size());
    assertEquals(4.5e4, first.fpPenalty());
    assertTrue(Double.isNaN(m.rounds().get(1).fpPenalty()), "fp_penalty only when the run measured it");
    // overall throughput is examples seen over wall-clock time: 200 / 10, exact in binary floating point
    assertEquals(20.0, m.examplesPerSecond());
    assertEquals(10.0, m.seconds());
  }

  @Test
  void withoutClockUsesTheMeanOfTheRoundRates() {
    TrainingMetrics m = TrainingMetrics.parse("{\"loss\":1,\"examples_per_second\":10}\n{\"loss\":1,\"examples_per_second\":30}\n",
        "m.jsonl");
    assertEquals(20.0, m.examplesPerSecond());
    assertEquals(-1, m.examples());
    assertEquals(1, m.rounds().get(1).round(), "a missing round number is the line's position");
  }

  @Test
  void aTruncatedLastLineIsDroppedWithANote() {
    TrainingMetrics m = TrainingMetrics.parse("{\"loss\":1.0}\n{\"loss\":0.9}\n{\"loss\":0.", "m.jsonl");
    assertEquals(2, m.rounds().size());
    assertNotNull(m.note());
    assertTrue(m.note().contains("incomplete"), m.note());
  }

  @Test
  void aMalformedLineElsewhereIsAnErrorNamingIt() {
    UserError e = assertThrows(UserError.class,
        () -> TrainingMetrics.parse("{\"loss\":1.0}\n{\"loss\":0.\n{\"loss\":0.8}\n", "run/metrics.jsonl"));
    assertTrue(e.getMessage().startsWith("run/metrics.jsonl line 2 is not valid JSON"), e.getMessage());
    UserError noLoss = assertThrows(UserError.class, () -> TrainingMetrics.parse("{\"epoch\":1}\n", "m.jsonl"));
    assertTrue(noLoss.getMessage().contains("no 'loss' field"), noLoss.getMessage());
    UserError text = assertThrows(UserError.class, () -> TrainingMetrics.parse("{\"loss\":\"low\"}\n", "m.jsonl"));
    assertTrue(text.getMessage().contains("'loss' must be a number"), text.getMessage());
  }
}
