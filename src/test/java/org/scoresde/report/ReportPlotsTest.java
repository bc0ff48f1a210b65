package org.scoresde.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Degenerate inputs a young or odd run produces still give a plot (or none), never an exception. */
class ReportPlotsTest {

  private static TrainingRound round(int i, double loss, List<TimeBinLoss> byT) {
    return new TrainingRound(0, i, 64L * (i + 1), loss, byT, 1e-4, 2.0 * (i + 1), 32, Double.NaN);
  }

  private static void decodes(Optional<Picture> p, int width, int height) throws Exception {
    assertTrue(p.isPresent());
    assertEquals(width, ReportCommandTest.image(p.get().png()).getWidth());
    assertEquals(height, p.get().height());
  }

  @Test
  void oneRoundAndConstantValuesStillPlot() throws Exception {
    List<TrainingRound> one = List.of(round(0, 0.7, List.of(new TimeBinLoss(0, 1, 0.7))));
    decodes(ReportPlots.loss(one), ReportPlots.WIDTH, ReportPlots.HEIGHT);
    decodes(ReportPlots.lossByT(one), ReportPlots.WIDTH, ReportPlots.HEIGHT);
    decodes(ReportPlots.throughput(one), ReportPlots.WIDTH, ReportPlots.HEIGHT);
    PerExampleValues same = new PerExampleValues(new double[] {2.5, 2.5, 2.5}, new double[] {1, 1, 1});
    decodes(ReportPlots.histogram(same, "bits/dim", Optional.empty()), ReportPlots.WIDTH, ReportPlots.HEIGHT);
    PerExampleValues single = new PerExampleValues(new double[] {-1.0}, new double[] {Double.NaN});
    decodes(ReportPlots.histogram(single, "nats/dim", Optional.empty()), ReportPlots.WIDTH, ReportPlots.HEIGHT);
  }

  @Test
  void theFokkerPlanckPenaltyIsPlottedOnlyWhenRecorded() throws Exception {
    List<TrainingRound> with = List.of(
        new TrainingRound(0, 0, 64, 1.0, List.of(), 1e-4, 2.0, 32, 1.8e5),
        new TrainingRound(0, 1, 128, 0.9, List.of(), 1e-4, 4.0, 32, Double.NaN),
        new TrainingRound(0, 2, 192, 0.8, List.of(), 1e-4, 6.0, 32, 4.6e3));
    decodes(ReportPlots.fpPenalty(with), ReportPlots.WIDTH, ReportPlots.HEIGHT);
    assertEquals("fp_penalty.png", ReportPlots.fpPenalty(with).get().file());
    assertFalse(ReportPlots.fpPenalty(List.of(round(0, 0.7, List.of()), round(1, 0.6, List.of()))).isPresent());
  }

  @Test
  void missingNumbersGiveNoPlotRatherThanABrokenOne() {
    List<TrainingRound> nan = List.of(round(0, Double.NaN, List.of()), round(1, Double.NaN, List.of()));
    assertFalse(ReportPlots.loss(nan).isPresent());
    assertFalse(ReportPlots.lossByT(nan).isPresent());
    PerExampleValues none = new PerExampleValues(new double[] {Double.NaN}, new double[] {Double.NaN});
    assertFalse(ReportPlots.histogram(none, "bits/dim", Optional.empty()).isPresent());
  }

  @Test
  void aLogAxisOnlyForPositiveValuesSpanningMoreThanAFactorOf20() {
    assertTrue(ReportPlots.wideRange(new double[] {0.01, 0.5}));
    assertFalse(ReportPlots.wideRange(new double[] {0.1, 1.9}));
    assertFalse(ReportPlots.wideRange(new double[] {-0.01, 5}));
  }
}
