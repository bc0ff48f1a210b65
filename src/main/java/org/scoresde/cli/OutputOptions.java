package org.scoresde.cli;

import picocli.CommandLine.Option;

/** Where a job writes its output directory, and whether it may replace an existing one. */
final class OutputOptions {

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
  String out;

  @Option(names = "--overwrite", description = "Replace an existing --out.")
  boolean overwrite;

  String out() {
    return out;
  }

  boolean overwrite() {
    return overwrite;
  }
}
