package org.scoresde.cli;

import java.util.concurrent.Callable;
import org.scoresde.spark.SparkSessions;
import org.scoresde.report.ReportFiles;
import org.scoresde.report.ReportPaths;
import org.scoresde.report.RunReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code report}: one HTML page (self-contained) and one Markdown file summing up a run. */
@Command(name = "report", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
    description = {
      "Write a report of a run: the key numbers (bits/dim with its 95%% interval, NFE, throughput, training time),",
      "the loss curve and loss by diffusion time, the per-example bits/dim histogram, the samples and trajectories,",
      "timings and the configuration. Writes OUT.html (images embedded, one file to mail), OUT.md and the plots",
      "as PNG in OUT/. Every part is optional: a run that has only trained still gets a report."})
public final class ReportCommand implements Callable<Integer> {

  @Option(names = "--run", required = true, paramLabel = "DIR",
      description = "The run directory (train's --out): config.conf, metrics.jsonl, model.zip, eval/, samples/.")
  String run;

  @Option(names = "--eval", paramLabel = "DIR", description = "Evaluation directory (evaluate's --out; default: RUN/eval).")
  String eval;

  @Option(names = "--samples", paramLabel = "DIR",
      description = "Samples directory: one sample --out, or a folder of them (default: RUN/samples).")
  String samples;

  @Option(names = "--out", paramLabel = "BASE", description = "Output base: writes BASE.html, BASE.md, BASE/*.png (default: RUN/report).")
  String out;

  @Option(names = "--overwrite", description = "Replace an existing report.")
  boolean overwrite;

  @Override
  public Integer call() {
    ReportFiles files = new RunReport(SparkSessions.hadoopConfiguration()).write(new ReportPaths(run, eval, samples, out), overwrite);
    System.out.printf("report: %s%nreport: %s (plots in %s/: %s)%n", files.html(), files.markdown(), files.imageFolder(),
        String.join(", ", files.images()));
    return 0;
  }
}
