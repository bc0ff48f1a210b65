package org.scoresde.report;

import java.util.List;

/**
 * One line of a run's metrics.jsonl: the state after one parameter-averaging round. Fields a
 * trainer did not write are NaN (numbers) or empty (the loss by diffusion time).
 */
public record TrainingRound(int epoch, int round, long examples, double loss, List<TimeBinLoss> lossByT, double lr,
    double seconds, double examplesPerSecond) {

  public TrainingRound {
    lossByT = List.copyOf(lossByT);
  }
}
