package org.scoresde.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.scoresde.config.UserError;

class EvaluationTest {

  @Test
  void imageEvaluationReportsBitsPerDimWithItsInterval() {
    Evaluation e = Evaluation.parse("""
        {"bits_per_dim": 3.5, "nats_per_dim": 1.2, "stderr": 0.02, "ci95": [3.46, 3.54], "n": 1000, "nfe_mean": 120.5,
         "per_shard": {"part-00000": 3.4, "part-00001": 3.6}, "solver": "dopri5", "rtol": 1e-5, "atol": 1e-5,
         "per_label": {"1": {"mean": 2.5, "stderr": 0.1, "ci95": [2.3, 2.7], "n": 400},
                       "0": {"mean": 4.0, "stderr": 0.05, "ci95": [3.9, 4.1], "n": 600}},
         "trace_estimator": "rademacher", "dequant_repeats": 5, "seconds": 60.0, "unit": "bits/dim"}""", "nll.json");
    assertEquals("bits/dim", e.unit());
    assertEquals(3.5, e.value());
    assertEquals(1000, e.n());
    assertEquals(2, e.perShard().size());
    assertEquals(5, e.dequantRepeats());
    assertEquals(java.util.List.of(0, 1), java.util.List.copyOf(e.perLabel().keySet()), "labels in order");
    assertEquals(new Evaluation.LabelValue(2.5, 2.3, 2.7, 400), e.perLabel().get(1));
    UserError label = assertThrows(UserError.class, () -> Evaluation.parse(
        "{\"bits_per_dim\": 3, \"per_label\": {\"shoe\": {\"mean\": 1}}}", "e/nll.json"));
    assertTrue(label.getMessage().contains("a label must be an integer"), label.getMessage());
    assertEquals("3.5000 ± 0.0400 (95% CI 3.4600 – 3.5400)", ReportBuilder.valueWithInterval(e));
  }

  @Test
  void vectorEvaluationFallsBackToNatsPerDim() {
    Evaluation e = Evaluation.parse("{\"bits_per_dim\": null, \"nats_per_dim\": 1.25, \"stderr\": 0.01, \"n\": 10}", "nll.json");
    assertEquals("nats/dim", e.unit());
    assertEquals(1.25, e.value());
    // without ci95 the interval comes from the standard error: 1.959964 * 0.01 = 0.0196
    assertEquals("1.2500 ± 0.0196 (95% CI, from the standard error)", ReportBuilder.valueWithInterval(e));
    Evaluation claimsBits = Evaluation.parse("{\"bits_per_dim\": null, \"nats_per_dim\": 1.25, \"unit\": \"bits/dim\"}", "x");
    assertEquals("nats/dim", claimsBits.unit(), "the unit follows the value that is present");
  }

  @Test
  void rejectsFilesThatAreNotAnEvaluation() {
    UserError none = assertThrows(UserError.class, () -> Evaluation.parse("{\"n\": 3}", "e/nll.json"));
    assertTrue(none.getMessage().contains("neither 'bits_per_dim' nor 'nats_per_dim'"), none.getMessage());
    UserError bad = assertThrows(UserError.class, () -> Evaluation.parse("[1, 2]", "e/nll.json"));
    assertTrue(bad.getMessage().contains("must hold a JSON object"), bad.getMessage());
    UserError ci = assertThrows(UserError.class, () -> Evaluation.parse("{\"bits_per_dim\": 3, \"ci95\": [1]}", "e/nll.json"));
    assertTrue(ci.getMessage().contains("'ci95' must be [lo, hi]"), ci.getMessage());
  }
}
