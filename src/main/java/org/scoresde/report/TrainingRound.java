package org.scoresde.report;

import java.util.List;

/**
 * One line of a run's metrics.jsonl: the state after one parameter-averaging round. Fields a
 * trainer did not write are NaN (numbers) or empty (the loss by diffusion time); {@code fpPenalty} is
 * the Fokker-Planck penalty of the probe batch (FP-Diffusion, {@code fp_penalty}).
 */
public record TrainingRound(int epoch, int round, long examples, double loss, List<TimeBinLoss> lossByT, double lr,
    double seconds, double examplesPerSecond, double fpPenalty) {

  public TrainingRound {
    lossByT = List.copyOf(lossByT);
  }
}
