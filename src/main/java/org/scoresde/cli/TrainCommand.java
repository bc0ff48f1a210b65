package org.scoresde.cli;

import java.util.concurrent.Callable;
import org.scoresde.config.UserError;
import org.scoresde.spark.TrainJob;
import org.scoresde.train.TrainSettings;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code train}: denoising score matching on Parquet shards, parameters averaged across executors. */
@Command(name = "train", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
    description = {
      "Train a DL4J score network by denoising score matching on shards written by 'shard'. Workers train",
      "train.averaging-frequency minibatches of train.batch-size each, then dl4j-spark averages their parameters;",
      "the driver keeps an EMA of the weights. Writes OUT/metrics.jsonl (one line per round), OUT/config.conf,",
      "OUT/checkpoints/ and, at the end, OUT/model.zip (EMA weights, with model.zip.sha256) and OUT/_SUCCESS."})
public final class TrainCommand implements Callable<Integer> {

  @Mixin CommonOptions common;

  @Option(names = "--data", required = true, paramLabel = "DIR", description = "Shard directory (from 'shard').")
  String data;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Run directory to write.")
  String out;

  @ArgGroup(exclusive = true)
  Budget budget = new Budget();

  static final class Budget {
    @Option(names = "--epochs", paramLabel = "N", description = "Train N epochs (default: train.epochs).")
    Integer epochs;

    @Option(names = "--minutes", paramLabel = "M", description = "Train for M minutes of wall time, then stop after the round.")
    Double minutes;
  }

  @Option(names = "--resume", description = "Continue the run in --out from its newest complete checkpoint.")
  boolean resume;

  @Option(names = "--overwrite", description = "Replace an existing --out.")
  boolean overwrite;

  @Option(names = "--init", paramLabel = "MODEL", description = "Start from the weights of MODEL (a model.zip of the same network, SDE and data shape; fresh optimizer). Sets train.init.")
  String init;

  @Override
  public Integer call() throws Exception {
    if (budget.epochs != null && budget.epochs < 1) {
      throw new UserError("--epochs must be at least 1, got " + budget.epochs);
    }
    if (budget.minutes != null && !(budget.minutes > 0)) {
      throw new UserError("--minutes must be positive, got " + budget.minutes);
    }
    TrainSettings settings = TrainSettings.from(init == null ? common.settings() : common.settings().with("train.init", init));
    new TrainJob(common.master())
        .run(new TrainJob.Request(data, out, budget.epochs, budget.minutes, resume, overwrite, settings));
    return 0;
  }
}
