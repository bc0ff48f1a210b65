package org.scoresde.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.scoresde.nn.OneDnn;
import org.scoresde.config.Settings;
import org.scoresde.nn.ScoreNetworkConfig;
import org.scoresde.train.SdeSettings;

/**
 * The single-process figures (matrix-product ceiling and {@link NetworkBench}) in a child JVM
 * started with OMP_NUM_THREADS = bench.threads: ND4J fixes its thread pool when it loads, and the
 * launcher's one thread per Spark task must not decide the comparison with PyTorch's threads. The
 * child also keeps the network's off-heap garbage out of the parent, which then runs Spark.
 */
public final class NetworkBenchProcess {
  /**
   * The child's heap. Chosen small when the input-gradient graph ran without workspaces, so that the
   * collector freed its off-heap buffers often; since it runs in workspaces (BENCHMARKS.md, session
   * 4) the heap no longer decides the figures, and 1 GB is ample for the network's Java objects.
   */
  private static final String HEAP = "1g";

  private NetworkBenchProcess() {}

  /** What the child measured. */
  record Result(NetworkBench.Figures network, Measurement gemm, Measurement matmulOp) {}

  /** Runs the child with the effective settings and reads its result. */
  static Result run(Settings settings, BenchSettings bench, Path work, Consumer<String> log)
      throws IOException, InterruptedException {
    Path conf = work.resolve("bench-settings.conf");
    Files.writeString(conf, settings.render());
    Path out = work.resolve("network.json");
    Path err = work.resolve("network.log");
    List<String> cmd = new ArrayList<>(CorePinning.prefix(bench.threads()));
    cmd.addAll(ChildJvm.command(HEAP, NetworkBenchProcess.class.getName(),
        List.of(conf.toString(), String.valueOf(bench.quick()))));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().put("OMP_NUM_THREADS", String.valueOf(bench.threads()));
    Process p = pb.start();
    try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(
        Files.newInputStream(err), java.nio.charset.StandardCharsets.UTF_8))) {
      while (!p.waitFor(1, TimeUnit.SECONDS)) {
        forwardProgress(lines, log);
      }
      forwardProgress(lines, log);
    }
    String text = Files.readString(out).trim();
    if (p.exitValue() != 0 || text.isEmpty()) {
      throw new IllegalStateException("the network benchmark JVM failed (exit " + p.exitValue() + "); see " + err);
    }
    JsonNode root = new ObjectMapper().readTree(text.substring(text.lastIndexOf('\n') + 1));
    return new Result(NetworkBench.Figures.read(root.get("network")), Measurement.read(root.get("gemm")),
        Measurement.read(root.get("matmul_op")));
  }

  private static void forwardProgress(java.io.BufferedReader lines, Consumer<String> log) throws IOException {
    String line;
    while ((line = lines.readLine()) != null) {
      if (line.startsWith("network: ")) {
        log.accept(line.substring("network: ".length()));
      }
    }
  }

  /** Child entry point: SETTINGS_FILE QUICK; prints one JSON line on stdout. */
  public static void main(String[] args) throws Exception {
    OneDnn.selectPlatform();
    Settings settings = Settings.load(args[0], new ArrayList<>());
    BenchSettings bench = BenchSettings.from(settings, Boolean.parseBoolean(args[1]));
    Stopwatch watch = bench.stopwatch();
    System.err.println("network: float32 matrix product " + bench.gemmSize() + "^2");
    Measurement gemm = GemmCeiling.measure(bench.gemmSize(), watch.withRepeats(5));
    System.err.println("network: the same product by libnd4j's matmul op (oneDNN)");
    Measurement matmulOp = GemmCeiling.measureOp(bench.gemmSize(), watch.withRepeats(5));
    NetworkBench.Figures net = new NetworkBench(ScoreNetworkConfig.defaultFor(1, 28, 28), SdeSettings.sde(settings),
        bench.batchSize()).run(watch, new ProcessWarmup(bench.warmupSeconds()), bench.likelihoodNfe(), s -> System.err.println("network: " + s));
    ObjectNode root = new ObjectMapper().createObjectNode();
    net.write(root.putObject("network"));
    gemm.write(root.putObject("gemm"));
    matmulOp.write(root.putObject("matmul_op"));
    System.out.println(root);
    System.out.flush();
    System.exit(0);
  }
}
