package org.scoresde.train;

import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.scoresde.config.Settings;
import org.scoresde.config.UserError;

/**
 * The train job's own settings ({@code train.*} and the seed), read once from the configuration and
 * checked together before Spark starts: each range is checked when the settings load, and what
 * depends on two keys (the loss-by-t bins against the probe examples) or names a choice (the RDD
 * approach) is checked here. The SDE, network, optimizer and regularizer have their own mappers.
 */
public record TrainOptions(
    long seed,
    String init,
    String timeSampler,
    String weighting,
    double eta,
    int batchSize,
    int averagingFrequency,
    int workers,
    int epochs,
    int checkpointEvery,
    int checkpointKeep,
    double emaDecay,
    int prefetch,
    String exportDir,
    RDDTrainingApproach approach,
    int probeEvery,
    int probeExamples,
    int lossByTBins,
    double divergenceFactor,
    String divergenceFactorText,
    boolean carryIterationCount) {

  public TrainOptions {
    if (probeExamples > 0 && lossByTBins > probeExamples) {
      throw new UserError("train.loss-by-t-bins must be between 1 and train.probe-examples (" + probeExamples + "), got "
          + lossByTBins);
    }
  }

  /** The options of {@code settings}; a bad combination is a {@link UserError} naming the keys. */
  public static TrainOptions from(Settings settings) {
    return new TrainOptions(settings.getLong("seed"), settings.getString("train.init"),
        settings.getString("train.time-sampler"), settings.getString("train.weighting"), settings.getDouble("train.eta"),
        settings.getInt("train.batch-size"), settings.getInt("train.averaging-frequency"), settings.getInt("train.workers"),
        settings.getInt("train.epochs"), settings.getInt("train.checkpoint-every"), settings.getInt("train.checkpoint-keep"),
        settings.getDouble("train.ema-decay"), settings.getInt("train.prefetch"),
        settings.getString("train.export-dir").isEmpty() ? null : settings.getString("train.export-dir"),
        approach(settings.getString("train.approach")), settings.getInt("train.probe-every"),
        settings.getInt("train.probe-examples"), settings.getInt("train.loss-by-t-bins"),
        settings.getDouble("train.divergence-factor"), settings.getString("train.divergence-factor"),
        settings.getBoolean("train.carry-iteration-count"));
  }

  /** The workers of a cluster that runs {@code parallelism} tasks at once: {@link #workers} or, when 0, one per task. */
  public int workers(int parallelism) {
    return workers > 0 ? workers : parallelism;
  }

  private static RDDTrainingApproach approach(String a) {
    return switch (a) {
      case "direct" -> RDDTrainingApproach.Direct;
      case "export" -> RDDTrainingApproach.Export;
      default -> throw new UserError("train.approach must be direct or export, got '" + a + "'");
    };
  }
}
