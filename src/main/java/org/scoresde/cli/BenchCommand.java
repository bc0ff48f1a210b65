package org.scoresde.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import org.scoresde.bench.BenchSuite;
import org.scoresde.config.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench}: the performance harness of the default Fashion-MNIST network, side by side with
 * the PyTorch peer and against the machine's matrix-product ceiling, in one run.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
    description = {
      "Measure the default Fashion-MNIST network (batch bench.batch-size, float32):",
      "training step, forward, forward + vector-Jacobian product and probability-flow",
      "likelihood at a fixed NFE, next to the same network in PyTorch",
      "(bench/peer/score_net.py run by bench.python), at bench.threads threads and at",
      "one; the float32 matrix-product ceiling and the convolutions' GFLOP/s; Spark",
      "training on local[1], local[2] and a two-worker standalone cluster (--master is",
      "not used), the cost of parameter averaging, and evaluate's peak memory at 1x and",
      "10x data. Warm-up, repeats, medians with min-max. Settings: bench.* in",
      "conf/defaults.conf. About 5 minutes on a 2-core machine (BENCHMARKS.md)."})
public final class BenchCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--json", description = "Print one JSON document instead of the table.")
  boolean json;

  @Option(names = "--quick", description = "A smoke run of a minute or two (the bench.quick settings).")
  boolean quick;

  @Option(names = "--out", paramLabel = "FILE", description = "Also write the JSON document to FILE.")
  Path out;

  @Option(names = "--overwrite", description = "Replace an existing --out file.")
  boolean overwrite;

  @Override
  public Integer call() throws Exception {
    if (out != null && Files.exists(out) && !overwrite) {
      throw new UserError("output " + out + " already exists; pass --overwrite to replace it");
    }
    PrintStream stdout = System.out;
    System.setOut(System.err);
    BenchSuite.Result result;
    try {
      result = new BenchSuite(common.settings(), quick, Main.class.getName()).run();
    } finally {
      System.setOut(stdout);
    }
    String text = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(result.json());
    if (out != null) {
      Path tmp = Files.createTempFile(out.toAbsolutePath().getParent(), "." + out.getFileName(), ".tmp");
      Files.writeString(tmp, text + "\n");
      Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
    System.out.println(json ? text : result.table());
    return 0;
  }
}
