package org.scoresde.report;

import org.scoresde.config.UserError;

/**
 * Where a report reads and writes: the run directory, the evaluation and samples directories
 * (null = RUN/eval and RUN/samples, which may be absent; given explicitly, they must exist) and the
 * output base B (null = RUN/report), which names B.html, B.md and the image folder B/ (a B given
 * as B.html or B.md means B).
 */
public record ReportPaths(String run, String eval, String samples, String outBase) {

  public ReportPaths {
    if (run == null || run.isBlank()) {
      throw new UserError("--run needs the run directory (train's --out)");
    }
    run = stripSlash(run);
    eval = eval == null ? null : stripSlash(eval);
    samples = samples == null ? null : stripSlash(samples);
    outBase = outBase == null ? null : stripSlash(outBase).replaceAll("\\.(html|md)$", "");
  }

  /** The defaults for a run: RUN/eval, RUN/samples and RUN/report. */
  public static ReportPaths of(String run) {
    return new ReportPaths(run, null, null, null);
  }

  public String evalDir() {
    return eval != null ? eval : run + "/eval";
  }

  public String samplesDir() {
    return samples != null ? samples : run + "/samples";
  }

  public String base() {
    return outBase != null ? outBase : run + "/report";
  }

  private static String stripSlash(String p) {
    String s = p.strip();
    while (s.length() > 1 && s.endsWith("/") && !s.endsWith(":/") && !s.endsWith("://")) {
      s = s.substring(0, s.length() - 1);
    }
    return s;
  }
}
