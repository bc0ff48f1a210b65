package org.scoresde.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scoresde.bench.LocalStandaloneCluster;
import org.scoresde.testing.ApplicationLayout;
import org.scoresde.testing.MiniHdfs;
import org.scoresde.testing.PlainSparkHome;
import org.scoresde.testing.ToyMixture;

/**
 * The launcher against a standalone cluster whose workers run a plain Spark installation and have
 * nothing of this project: shard, train, evaluate and sample, every path on HDFS, with no option
 * beyond {@code --master}. The executors can only work if the driver ships the application jar and
 * its libraries itself. Tagged heavy (3-6 minutes on a loaded 2-core machine): {@code .ci/run} runs it
 * after the suite, with the YARN test.
 */
@Tag("heavy")
class LauncherOnPlainSparkTest {
  /** Jars only the application brings: a worker that had them would make this test prove nothing. */
  private static final List<String> APPLICATION_JARS = List.of("nd4j-", "deeplearning4j-", "dl4j-spark", "picocli-",
      "javacpp-", "config-", "xchart-", "score-sde");

  @Test
  void shardTrainEvaluateThroughTheLauncher(@TempDir Path dir) throws Exception {
    Path sparkHome = PlainSparkHome.get();
    List<String> workerJars = PlainSparkHome.jarNames(sparkHome);
    assertTrue(workerJars.stream().anyMatch(j -> j.startsWith("spark-core_2.12-")), workerJars.toString());
    assertTrue(workerJars.stream().noneMatch(j -> APPLICATION_JARS.stream().anyMatch(j::startsWith)), workerJars.toString());

    ApplicationLayout app = ApplicationLayout.create(dir.resolve("score-sde"));
    Path csv = ToyMixture.draw(2, 2, 4, 512, 1L).writeCsv(dir.resolve("toy.csv"));
    Path cluster = dir.resolve("cluster");
    try (MiniHdfs hdfs = MiniHdfs.start(dir.resolve("hdfs"));
         LocalStandaloneCluster c = LocalStandaloneCluster.startOnSparkHome(sparkHome, cluster, 2, 1, "2g")) {
      String master = c.masterUrl();
      String h = hdfs.uri();
      launch(app, dir, "shard", "--master", master, "--format", "csv", "--input", csv.toString(), "--output",
          h + "/data/toy", "--shards", "2");
      launch(app, dir, "train", "--master", master, "--data", h + "/data/toy", "--out", h + "/runs/toy",
          "--epochs", "2", "--set", "train.batch-size=32");
      launch(app, dir, "evaluate", "--master", master, "--model", h + "/runs/toy/model.zip", "--data",
          h + "/data/toy", "--out", h + "/runs/toy/eval", "--limit", "4", "--rtol", "1e-2", "--atol", "1e-2");
      launch(app, dir, "sample", "--master", master, "--model", h + "/runs/toy/model.zip", "--n", "8",
          "--out", h + "/runs/toy/samples");

      FileSystem fs = FileSystem.get(URI.create(h), hdfs.configuration());
      for (String done : List.of("/data/toy", "/runs/toy", "/runs/toy/eval", "/runs/toy/samples")) {
        assertTrue(fs.exists(new org.apache.hadoop.fs.Path(done + "/_SUCCESS")), done);
      }
      JsonNode nll = new ObjectMapper().readTree(read(fs, "/runs/toy/eval/nll.json"));
      assertEquals(4, nll.get("n").asLong());
      assertTrue(Double.isFinite(nll.get("bits_per_dim").asDouble()), nll.toString());
      assertFalse(read(fs, "/runs/toy/metrics.jsonl").isBlank());
      assertEquals(9, read(fs, "/runs/toy/samples/samples.csv").lines().count());

      // what the executors were given: the application jar and its libraries, one libnd4j build of three
      Set<String> fetched = fetchedJars(cluster);
      assertTrue(fetched.contains("score-sde.jar") && fetched.stream().anyMatch(j -> j.startsWith("nd4j-api-")),
          fetched.toString());
      List<String> nativeBuilds = fetched.stream().filter(j -> j.matches("nd4j-native-[0-9].*-linux-x86_64.*\\.jar")).toList();
      assertEquals(1, nativeBuilds.size(), nativeBuilds.toString());
      assertFalse(fetched.stream().anyMatch(j -> j.startsWith("spark-core_") || j.startsWith("scala-library-")),
          "Spark's own jars were shipped: " + fetched);
    }
  }

  private static String read(FileSystem fs, String path) throws IOException {
    try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(path))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Runs the launcher with {@code args}; fails with its output and log unless it exits 0. */
  private static void launch(ApplicationLayout app, Path dir, String... args) throws Exception {
    long start = System.nanoTime();
    List<String> command = new ArrayList<>(List.of("bash", app.launcher().toString()));
    command.addAll(List.of(args));
    Path log = dir.resolve(args[0] + ".log");
    Path output = dir.resolve(args[0] + ".out");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    pb.environment().put("SCORE_SDE_LOG", log.toString());
    pb.environment().remove("SPARK_HOME");
    pb.environment().remove("SCORE_SDE_JAVA_OPTS");
    pb.environment().remove("HADOOP_CONF_DIR");
    pb.environment().remove("YARN_CONF_DIR");
    Process p = pb.start();
    p.getOutputStream().close();
    boolean ended = p.waitFor(10, TimeUnit.MINUTES);
    if (!ended) {
      p.destroyForcibly();
    }
    System.out.printf("%s: %.1f s%n", args[0], (System.nanoTime() - start) / 1e9);
    assertTrue(ended && p.exitValue() == 0, String.join(" ", args) + " failed:\n" + Files.readString(output)
        + "\n--- log tail ---\n" + tail(log, 60));
  }

  /** The jar files the executors under {@code cluster}'s workers fetched into their working directories. */
  private static Set<String> fetchedJars(Path cluster) throws IOException {
    try (Stream<Path> files = Files.walk(cluster)) {
      return files.filter(f -> f.toString().contains("/work-") && f.getFileName().toString().endsWith(".jar"))
          .map(f -> f.getFileName().toString()).collect(Collectors.toSet());
    }
  }

  private static String tail(Path file, int lines) throws IOException {
    if (!Files.exists(file)) {
      return "(no log)";
    }
    List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }
}
