package org.scoresde.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.scoresde.config.Settings;

/**
 * The measurements of {@code bench}, in seven stages: the default Fashion-MNIST network beside the
 * PyTorch peer and the machine's matrix-product ceiling, Spark training, and evaluate's peak memory
 * in child JVMs. The command line that the memory stages run in those JVMs is reached through
 * {@code commandMain}, a class with a static {@code int execute(String...)}, given by the caller so
 * that this package does not depend on the command-line one.
 */
public final class BenchSuite {
  private static final int STAGES = 7;

  private final Settings settings;
  private final boolean quick;
  private final String commandMain;
  private long started;

  /** The measured document and the same figures as a Markdown table. */
  public record Result(ObjectNode json, String table) {}

  public BenchSuite(Settings settings, boolean quick, String commandMain) {
    this.settings = settings;
    this.quick = quick;
    this.commandMain = commandMain;
  }

  /** Runs every stage, printing progress on stderr. */
  public Result run() throws Exception {
    BenchSettings bench = BenchSettings.from(settings, quick);
    int batch = bench.batchSize();
    started = System.nanoTime();
    double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    Path work = Files.createTempDirectory("score-sde-bench");
    ObjectNode root;
    List<Figure> figures = new ArrayList<>();
    try {
      Stopwatch watch = bench.stopwatch();

      stage(1, bench.rounds() + " rounds of the network (float32 matrix product included) in a JVM of "
          + bench.threads() + " ND4J threads, each followed by the PyTorch peer (" + bench.python() + ")");
      Path script = home().resolve("bench").resolve("peer").resolve("score_net.py");
      InterleavedRounds rounds = interleaved(bench, batch, watch, script, work.resolve("rounds"));
      NetworkBench.Figures net = rounds.network();
      PyTorchPeer.Result peer = rounds.peer();

      double peerFlops = peer.available() ? peer.json().get("conv_mflop_per_image").asDouble() * 1e6 : Double.NaN;
      double convFlops = net.convFlopsPerImage();
      // the ceiling: the best rate libnd4j reaches on dense float32 work by any path it has
      double ceiling = Math.max(Math.max(rounds.gemm().max(), rounds.matmulOp().max()), net.singleConv().op().max());
      PhysicalPeak peak = PhysicalPeak.ofThisMachine();
      figures.addAll(throughputFigures(rounds, "", null));
      figures.add(new Figure("sgemm " + bench.gemmSize() + "^2, Nd4j.gemm", "GFLOP/s", rounds.gemm(), null,
          "OpenBLAS through ND4J; no PyTorch ratio: the peer's torch.mm runs on whatever BLAS Debian selected"));
      figures.add(new Figure("the same product, libnd4j matmul op", "GFLOP/s", rounds.matmulOp(), null,
          "oneDNN's matmul through libnd4j's platform helper"));
      figures.add(new Figure("physical peak", "GFLOP/s", Measurement.single(peak.gflops()), null, peak.describe()));
      figures.add(new Figure("ceiling / physical peak", "", Measurement.single(ceiling / peak.gflops()), null,
          String.format("ceiling %.0f GFLOP/s: the best round of sgemm, the matmul op and the conv2d op below", ceiling)));
      figures.add(rounds.figure("convolutions in forward", "GFLOP/s", NetworkBench.Figures::forward, convFlops / 1e9,
          "forward_images_per_second", peerFlops / 1e9, null));
      figures.add(rounds.figure("convolutions in training (3x forward FLOPs)", "GFLOP/s", NetworkBench.Figures::train,
          3 * convFlops / 1e9, "train_images_per_second", 3 * peerFlops / 1e9, null));
      double effectiveGflops = net.train().median() * 3 * convFlops / 1e9;
      figures.add(new Figure("training step's effective convolution FLOP rate / ceiling", "",
          Measurement.single(effectiveGflops / ceiling), null,
          "the convolution FLOPs of a step over its whole time (every other op included); target >= 0.40"));
      figures.add(new Figure("training step's effective convolution FLOP rate / physical peak", "",
          Measurement.single(effectiveGflops / peak.gflops()), null, null));
      figures.add(rounds.figure("one 3x3 convolution, 32 channels, 14x14, forward", "GFLOP/s", n -> n.singleConv().layer(),
          1, "single_conv_gflops", 1, "the convolution alone through its DL4J layer (graph.output); PyTorch: nn.Conv2d"));
      figures.add(rounds.figure("the same convolution, libnd4j conv2d op alone", "GFLOP/s", n -> n.singleConv().op(),
          1, "single_conv_gflops", 1, "oneDNN through the op DL4J's helper calls, no layer around it"));

      if (bench.coLoad() && bench.threads() == 2) {
        stage(2, "one more round with a spinning loop on the last core (co-load)");
        InterleavedRounds busy;
        try (BusyCore loop = BusyCore.start()) {
          busy = interleaved(bench.withRounds(1), batch, watch, script, work.resolve("co-load"));
          if (!loop.alive()) {
            throw new IllegalStateException("the co-load loop ended before the round did");
          }
        }
        figures.add(busy.figure("training step, one core busy", "images/s", NetworkBench.Figures::train, 1,
            "train_images_per_second", 1, "a shell loop spinning on the last core (taskset) through the round"));
        Measurement peerQuiet = rounds.peerFigure("train_images_per_second");
        Measurement peerBusy = busy.peerFigure("train_images_per_second");
        figures.add(new Figure("training step, one core busy / quiet", "",
            Measurement.single(busy.network().train().median() / net.train().median()),
            peerQuiet == null || peerBusy == null ? null : Measurement.single(peerBusy.median() / peerQuiet.median()),
            "target >= 0.5 (within 2x of the quiet figure); the PyTorch column is the peer's own"));
      }

      PyTorchPeer.Result peer1 = null;
      if (bench.threads() != 1) {
        BenchSettings one = bench.withThreads(1);
        stage(3, "the same rounds at one thread, as each Spark task runs" + CorePinning.describe(1));
        InterleavedRounds rounds1 = interleaved(one, batch, watch, script, work.resolve("one-thread"));
        peer1 = rounds1.peer();
        figures.addAll(throughputFigures(rounds1, ", one thread",
            "one ND4J thread (OMP_NUM_THREADS=1, the launcher's default per Spark task) and one PyTorch thread"
                + CorePinning.describe(1)));
      }

      stage(4, "Spark training on local[1], local[2]" + (bench.cluster() ? " and a standalone cluster" : ""));
      SparkTrainBench.Figures spark = new SparkTrainBench(settings, bench, work.resolve("spark"), s -> progress("  " + s)).run();
      figures.add(new Figure("Spark train local[1], 1 worker", "examples/s", spark.local1(), null, null));
      figures.add(new Figure("Spark train local[2], 2 workers", "examples/s", spark.local2(), null, null));
      figures.add(new Figure("local[2] / local[1]", "", Measurement.single(spark.local2().median() / spark.local1().median()),
          null, "target >= 1.7"));
      if (bench.threads() == 2) {
        figures.add(new Figure("Spark train local[2] beside PyTorch's training step (both on two cores)", "examples/s",
            spark.local2(), rounds.peerFigure("train_images_per_second"),
            "what a user's train job gets from the machine: two one-thread workers averaging parameters every "
                + spark.averagingFrequency() + " minibatches, against one two-thread process stepping on every minibatch")
            .withPytorchVariant(rounds.peerChoice("train_images_per_second")));
      }
      figures.add(new Figure("Spark train local[2], averaging every " + 2 * spark.averagingFrequency() + " minibatches",
          "examples/s", spark.local2SparseAveraging(), null, "throughput only: how many examples reach the same loss is not measured here"));
      if (spark.cluster() != null) {
        figures.add(new Figure("Spark train standalone, 2 workers", "examples/s", spark.cluster(), null, spark.clusterNote()));
      }
      figures.add(new Figure("plain graph.fit, same images and iterations", "examples/s", spark.singleJvm(), null, null));
      figures.add(new Figure("parameter averaging overhead (fit / local[1] - 1)", "",
          Measurement.single(spark.averagingOverhead()), null, "target <= 0.10"));

      stage(5, "evaluate's peak memory at 1x and 10x data (child JVMs)");
      EvaluateMemoryBench.Figures memory = new EvaluateMemoryBench(Files.createDirectories(work.resolve("memory")),
          settings.getLong("seed"), bench.evaluateHeap(), bench.evaluateOffHeap(), commandMain, s -> progress("  " + s)).run(bench.evaluateExamples(), bench.evaluateTolerance(),
          600);
      figures.add(new Figure("evaluate peak RSS, " + memory.small().examples() + " examples", "MB",
          Measurement.single(memory.small().peakKb() / 1024.0), null, String.format("%.0f s", memory.small().seconds())));
      figures.add(new Figure("evaluate peak RSS, " + memory.large().examples() + " examples", "MB",
          Measurement.single(memory.large().peakKb() / 1024.0), null, String.format("%.0f s", memory.large().seconds())));
      figures.add(new Figure("evaluate peak RSS 10x / 1x", "", Measurement.single(memory.ratio()), null,
          "target <= 1.10; heap " + bench.evaluateHeap() + " (committed at start), off-heap " + bench.evaluateOffHeap() + " in both"));
      figures.add(new Figure("evaluate peak live heap, " + memory.small().examples() + " examples", "MB",
          Measurement.single(memory.small().liveHeapKb() / 1024.0), null, "heap in use after full collections every 2 s"));
      figures.add(new Figure("evaluate peak live heap, " + memory.large().examples() + " examples", "MB",
          Measurement.single(memory.large().liveHeapKb() / 1024.0), null, null));
      figures.add(new Figure("evaluate peak live heap 10x / 1x", "", Measurement.single(memory.liveHeapRatio()),
          null, "grows only if the job holds data per example"));

      stage(6, "evaluate's peak memory on the network path at 1x and 10x data (child JVMs)");
      EvaluateMemoryBench.Figures network = new EvaluateMemoryBench(Files.createDirectories(work.resolve("memory-network")),
          settings.getLong("seed"), bench.evaluateHeap(), bench.evaluateOffHeap(), commandMain, s -> progress("  " + s))
          .runNetwork(Path.of(bench.fashionMnist()), bench.evaluateNetworkExamples(), bench.evaluateNetworkBatchSize(),
              bench.evaluateNetworkTolerance(), bench.evaluateNetworkOffHeap(), 900);
      String networkRun = "untrained U-Net, rtol " + bench.evaluateNetworkTolerance() + ", batch "
          + bench.evaluateNetworkBatchSize() + ", 1 draw";
      figures.add(new Figure("evaluate peak RSS, network, " + network.small().examples() + " images", "MB",
          Measurement.single(network.small().peakKb() / 1024.0), null,
          String.format("%.0f s, %s", network.small().seconds(), networkRun)));
      figures.add(new Figure("evaluate peak RSS, network, " + network.large().examples() + " images", "MB",
          Measurement.single(network.large().peakKb() / 1024.0), null, String.format("%.0f s", network.large().seconds())));
      figures.add(new Figure("evaluate peak RSS 10x / 1x, network", "", Measurement.single(network.ratio()), null,
          "target <= 1.10; heap " + bench.evaluateHeap() + " (committed at start), off-heap " + bench.evaluateNetworkOffHeap()));
      figures.add(new Figure("evaluate peak live heap 10x / 1x, network", "", Measurement.single(network.liveHeapRatio()),
          null, String.format("%.0f / %.0f MB", network.small().liveHeapKb() / 1024.0, network.large().liveHeapKb() / 1024.0)));

      stage(7, "report");
      root = report(settings, bench, batch, net, peer, peer1, spark, figures, loadBefore, peak);
    } finally {
      deleteRecursively(work);
    }
    return new Result(root, table(root, figures));
  }

  private ObjectNode report(Settings settings, BenchSettings bench, int batch, NetworkBench.Figures net,
      PyTorchPeer.Result peer, PyTorchPeer.Result peerOneThread, SparkTrainBench.Figures spark, List<Figure> figures,
      double loadBefore, PhysicalPeak peak) {
    ObjectNode root = new ObjectMapper().createObjectNode();
    ObjectNode machine = root.putObject("machine");
    machine.put("cpu", Machine.cpuModel());
    machine.put("mhz", peak.mhz());
    machine.put("float32_flops_per_cycle_per_core", peak.flopsPerCycle());
    machine.put("physical_peak_gflops", peak.gflops());
    machine.put("cores", Runtime.getRuntime().availableProcessors());
    machine.put("memory_gib", Machine.memoryGib());
    machine.put("java", System.getProperty("java.version"));
    machine.put("load_average_start", loadBefore);
    machine.put("bench_peak_rss_mb", selfPeakMb());
    machine.put("load_average_end", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    net.backend().write(root.putObject("backend"));
    ObjectNode s = root.putObject("settings");
    s.put("quick", quick);
    s.put("batch", batch);
    s.put("threads", bench.threads());
    s.put("rounds", bench.rounds());
    s.put("one_thread_pinned", !CorePinning.prefix(1).isEmpty());
    s.put("co_load", bench.coLoad() && bench.threads() == 2);
    s.put("warmup", bench.warmup());
    s.put("warmup_seconds", bench.warmupSeconds());
    s.put("repeats", bench.repeats());
    s.put("budget_seconds", bench.budgetSeconds());
    s.put("likelihood_nfe", bench.likelihoodNfe());
    s.put("gemm_size", bench.gemmSize());
    s.put("spark_images", spark.images());
    s.put("spark_averaging_frequency", spark.averagingFrequency());
    s.put("spark_omp_threads", System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"));
    s.put("omp_wait_policy", System.getenv().getOrDefault("OMP_WAIT_POLICY", "unset"));
    ObjectNode network = root.putObject("network");
    network.put("parameters", net.parameters());
    network.put("conv_mflop_per_image", net.convFlopsPerImage() / 1e6);
    peer.write(root.putObject("peer"), net.parameters());
    if (peerOneThread != null) {
      peerOneThread.write(root.putObject("peer_one_thread"), net.parameters());
    }
    ObjectNode f = root.putObject("figures");
    for (Figure figure : figures) {
      figure.write(f.putObject(figure.name()));
    }
    root.put("seconds", (System.nanoTime() - started) / 1e9);
    return root;
  }

  private static String table(ObjectNode root, List<Figure> figures) {
    StringBuilder b = new StringBuilder();
    ObjectNode backend = (ObjectNode) root.get("backend");
    b.append(String.format("machine: %s, %d cores; ND4J %s%s, oneDNN: %s; parameters %d (PyTorch: %s)%n",
        root.get("machine").get("cpu").asText(), root.get("machine").get("cores").asInt(),
        backend.get("nd4j_backend").asText(), backend.get("platform_extension").asText(), backend.get("onednn").asText(),
        root.get("network").get("parameters").asLong(),
        root.get("peer").has("parameters") ? root.get("peer").get("parameters").asText() : root.get("peer").get("status").asText()));
    b.append(root.get("peer").get("summary").asText()).append('\n');
    if (root.has("peer_one_thread")) {
      b.append("one thread: ").append(root.get("peer_one_thread").get("summary").asText()).append('\n');
    }
    b.append("| figure | ours: median (min-max) | PyTorch | ours / PyTorch | note |\n|---|---|---|---|---|\n");
    for (Figure figure : figures) {
      b.append(figure.row()).append('\n');
    }
    b.append(String.format("%.0f s in all%n", root.get("seconds").asDouble()));
    return b.toString();
  }

  /**
   * The network's throughput figures beside the peer's: training step, forward, forward + VJP and
   * the fixed-step likelihood, each name ending in {@code suffix}; {@code note} goes on the first.
   */
  private static List<Figure> throughputFigures(InterleavedRounds rounds, String suffix, String note) {
    return List.of(
        rounds.figure("training step" + suffix, "images/s", NetworkBench.Figures::train, 1, "train_images_per_second", 1, note),
        rounds.figure("forward (score)" + suffix, "images/s", NetworkBench.Figures::forward, 1, "forward_images_per_second", 1, null),
        rounds.figure("forward + VJP" + suffix, "images/s", NetworkBench.Figures::vjp, 1, "vjp_images_per_second", 1, null),
        rounds.figure("likelihood, " + rounds.network().likelihoodNfe() + " NFE (Euler, Rademacher)" + suffix, "examples/s",
            NetworkBench.Figures::likelihood, 1, "likelihood_examples_per_second", 1, null));
  }

  /** Rounds of the network's JVM and the peer, alternately, each side at {@code bench}'s threads (pinned at one). */
  private InterleavedRounds interleaved(BenchSettings bench, int batch, Stopwatch watch, Path script, Path work)
      throws Exception {
    PyTorchPeer pytorch = new PyTorchPeer(bench.python(), script);
    return InterleavedRounds.run(bench.rounds(),
        r -> NetworkBenchProcess.run(settings, bench, Files.createDirectories(work.resolve("round-" + r)), s -> progress("  " + s)),
        r -> pytorch.run(bench.threads(), batch, watch, bench.warmupSeconds(), bench.likelihoodNfe(), bench.gemmSize(), bench.peerTimeoutSeconds()),
        s -> progress("  " + s)).requireSameParameters();
  }


  private void stage(int i, String what) {
    double elapsed = (System.nanoTime() - started) / 1e9;
    System.err.printf("bench: [%d/%d] %s (%.0f s elapsed)%n", i, STAGES, what, elapsed);
  }

  private void progress(String what) {
    System.err.printf("bench: %s (%.0f s elapsed)%n", what, (System.nanoTime() - started) / 1e9);
  }

  private static double selfPeakMb() {
    try {
      return PeakMemoryProbe.peakKilobytes() / 1024.0;
    } catch (IOException e) {
      return -1;
    }
  }

  /** The project directory: the launcher's score.sde.home, else SCORE_SDE_HOME, else the working directory. */
  private static Path home() {
    String env = System.getenv("SCORE_SDE_HOME");
    return Path.of(System.getProperty("score.sde.home", env != null ? env : System.getProperty("user.dir")));
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
