package org.scoresde.cli;

import java.util.concurrent.Callable;
import org.scoresde.config.Settings;
import org.scoresde.config.UserError;
import org.scoresde.spark.EvaluateJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code evaluate}: dataset-scale negative log-likelihood by the probability-flow ODE. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
    description = {
      "Negative log-likelihood of every example by the probability-flow ODE (adaptive Dormand-Prince, the divergence",
      "exact or by Hutchinson probes), in bits/dim for 8-bit images (uniform dequantization, several draws per example,",
      "comparable with published figures) or nats/dim for continuous vectors. Writes OUT/nll.json (mean, standard error,",
      "95%% interval, per shard, NFE per example) and OUT/per_example/ (Parquet: index, shard, value, nfe)."})
public final class EvaluateCommand implements Callable<Integer> {

  @Mixin CommonOptions common;

  @Mixin ModelOptions model;

  @Option(names = "--data", required = true, paramLabel = "DIR", description = "Shard directory (from 'shard').")
  String data;

  @Mixin OutputOptions output;

  @Option(names = "--limit", paramLabel = "N", description = "Evaluate only the examples with index < N (the first N of the dataset).")
  Long limit;

  @Option(names = "--trace", paramLabel = "KIND", description = "Divergence: exact | rademacher | gaussian (default: evaluate.trace).")
  String trace;

  @Option(names = "--probes", paramLabel = "K", description = "Hutchinson probes per example (default: evaluate.probes).")
  Integer probes;

  @Option(names = "--rtol", paramLabel = "R", description = "Relative tolerance of Dormand-Prince (default: evaluate.rtol).")
  Double rtol;

  @Option(names = "--atol", paramLabel = "A", description = "Absolute tolerance of Dormand-Prince (default: evaluate.atol).")
  Double atol;

  @Option(names = "--dequant-repeats", paramLabel = "K", description = "Dequantization draws per 8-bit example (default: evaluate.dequant-repeats).")
  Integer repeats;

  @Option(names = "--batch-size", paramLabel = "B", description = "Rows integrated together, a row being one dequantization draw of one example (default: evaluate.batch-size).")
  Integer batchSize;

  @Override
  public Integer call() throws Exception {
    Settings s = common.settings();
    var request = new EvaluateJob.Request(model.model(), model.sde(s), data, output.out(), limit,
        trace != null ? trace : s.getString("evaluate.trace"),
        probes != null ? probes : s.getInt("evaluate.probes"),
        rtol != null ? rtol : s.getDouble("evaluate.rtol"),
        atol != null ? atol : s.getDouble("evaluate.atol"),
        s.getDouble("evaluate.eta"),
        repeats != null ? repeats : s.getInt("evaluate.dequant-repeats"),
        batchSize != null ? batchSize : s.getInt("evaluate.batch-size"),
        output.overwrite());
    if (request.batchSize() < 1 || request.probes() < 1) {
      throw new UserError("--batch-size and --probes must be at least 1");
    }
    new EvaluateJob(common.master(), s.getLong("seed")).run(request);
    return 0;
  }
}
