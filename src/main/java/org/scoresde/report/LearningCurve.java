package org.scoresde.report;

import java.util.List;
import java.util.Objects;

/**
 * A run's likelihood at several moments of its training: the evaluations found in its checkpoints
 * ({@code OUT/checkpoints/round-N/eval/nll.json}, evaluate's output for that checkpoint's
 * {@code model.zip}), each with the training state of its checkpoint, in training order.
 */
public record LearningCurve(List<Point> points) {
  /** One evaluated checkpoint: its averaging rounds, examples seen and training seconds, and its evaluation. */
  public record Point(String checkpoint, long rounds, long examples, double seconds, Evaluation evaluation) {}

  public LearningCurve {
    points = List.copyOf(points);
  }

  /** Whether there is a curve to show (two points or more). */
  public boolean drawable() {
    return points.size() >= 2;
  }

  /**
   * Whether every point was measured the same way: the same number of examples, unit, tolerances,
   * trace estimator and dequantization draws. Otherwise the points are not comparable.
   */
  public boolean sameProtocol() {
    return points.stream().map(p -> protocol(p.evaluation())).distinct().count() <= 1;
  }

  private static List<Object> protocol(Evaluation e) {
    return List.of(e.n(), e.unit(), Objects.toString(e.rtol()), Objects.toString(e.atol()),
        Objects.toString(e.traceEstimator()), e.dequantRepeats());
  }
}
