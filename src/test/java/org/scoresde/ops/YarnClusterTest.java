package org.scoresde.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scoresde.testing.MiniHdfs;
import org.scoresde.testing.MiniYarn;
import org.scoresde.testing.SparkDistribution;
import org.scoresde.testing.ToyMixture;

/**
 * The pipeline on a real YARN: Hadoop's MiniYARNCluster (a ResourceManager and a NodeManager whose
 * containers are processes of their own) with MiniDFSCluster as the storage, each command submitted by
 * real spark-submit (Spark's launcher, a Spark home without the project's libraries) with
 * conf/spark/yarn.conf in cluster deploy mode: the driver runs in YARN's application master, the
 * libraries travel as --jars from HDFS, Spark's own jars are the node's, every path is hdfs://.
 * shard -> train -> evaluate, then the ResourceManager's final status of each application and the
 * outputs on HDFS. Heavy: about 4 minutes on this 2-core machine, most of it JVMs starting (three
 * containers an application); run it with {@code mvn -B test -Pcpu,heavy -Dtest=YarnClusterTest}.
 */
@Tag("heavy")
class YarnClusterTest {
  private static final Pattern APPLICATION = Pattern.compile("application_\\d+_\\d+");
  /** The NodeManager's memory: the application master and two executors of 2 GiB each, with room to spare. */
  private static final int NODE_MEMORY_MB = 8192;
  /** Where the application's libraries (lib/deps) are put on HDFS. */
  private static final String LIBRARIES = "/apps/score-sde/deps";

  @TempDir Path dir;

  @Test
  void shardTrainEvaluateInClusterDeployMode() throws Exception {
    SparkDistribution spark = SparkDistribution.layOut(dir.resolve("dist"));
    Path csv = ToyMixture.draw(2, 2, 4, 512, 1L).writeCsv(dir.resolve("toy.csv"));
    try (MiniHdfs hdfs = MiniHdfs.start(dir.resolve("hdfs"));
         MiniYarn yarn = MiniYarn.start(dir.resolve("yarn"), hdfs.uri(), NODE_MEMORY_MB)) {
      String h = hdfs.uri();
      FileSystem fs = FileSystem.get(URI.create(h), hdfs.configuration());
      fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(csv.toUri()), new org.apache.hadoop.fs.Path("/input/toy.csv"));
      // the libraries on HDFS once, as docs/operations.md's YARN section puts them: spark-submit does not copy files
      // already on the cluster's filesystem, and the NodeManager localizes them once for every application
      long start = System.nanoTime();
      for (Path lib : spark.libraries()) {
        fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(lib.toRealPath().toUri()),
            new org.apache.hadoop.fs.Path(LIBRARIES + "/" + lib.getFileName()));
      }
      System.err.printf("YarnClusterTest: the libraries to HDFS took %.0f s%n", (System.nanoTime() - start) / 1e9);

      submit(spark, yarn, h, "shard", "--format", "csv", "--input", h + "/input/toy.csv", "--output", h + "/data/toy",
          "--shards", "2");
      submit(spark, yarn, h, "train", "--data", h + "/data/toy", "--out", h + "/runs/toy", "--epochs", "2",
          "--set", "train.batch-size=32", "--set", "train.averaging-frequency=2", "--set", "train.workers=2");
      submit(spark, yarn, h, "evaluate", "--model", h + "/runs/toy/model.zip", "--data", h + "/data/toy",
          "--out", h + "/runs/toy/eval", "--limit", "2", "--batch-size", "2", "--rtol", "1e-2", "--atol", "1e-2");

      ObjectMapper json = new ObjectMapper();
      assertTrue(fs.exists(new org.apache.hadoop.fs.Path("/data/toy/_SUCCESS")));
      assertEquals(512, json.readTree(read(fs, "/data/toy/manifest.json")).get("count").asLong());
      assertTrue(fs.exists(new org.apache.hadoop.fs.Path("/runs/toy/_SUCCESS")));
      assertTrue(fs.getFileStatus(new org.apache.hadoop.fs.Path("/runs/toy/model.zip")).getLen() > 0);
      // 512 examples / (2 workers x 32 x averaging frequency 2) = 4 rounds an epoch, 2 epochs
      assertEquals(2 * 4, read(fs, "/runs/toy/metrics.jsonl").lines().count());
      JsonNode nll = json.readTree(read(fs, "/runs/toy/eval/nll.json"));
      assertEquals(2, nll.get("n").asLong());
      assertTrue(Double.isFinite(nll.get("nats_per_dim").asDouble()), nll.toString());

      // the launcher in client deploy mode: the driver here, Spark's jars (lib/spark) and the application's (lib/deps)
      // shipped by the driver itself; only the container sizes and the containers' JAVA_HOME are given, as above
      launch(spark, yarn, dir, "sample", "--master", "yarn", "--model", h + "/runs/toy/model.zip", "--n", "8",
          "--out", h + "/runs/toy/samples");
      assertEquals(9, read(fs, "/runs/toy/samples/samples.csv").lines().count());
    }
  }

  /** The launcher with {@code args} and HADOOP_CONF_DIR; asserts it exits 0 and its YARN application SUCCEEDED. */
  private static void launch(SparkDistribution spark, MiniYarn yarn, Path dir, String... args) throws Exception {
    String javaHome = System.getProperty("java.home");
    Path log = dir.resolve("launcher.log");
    Path out = dir.resolve("launcher.out");
    List<String> command = new ArrayList<>(List.of("bash", spark.launcher().toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
    Map<String, String> env = pb.environment();
    env.remove("SPARK_HOME");
    env.remove("YARN_CONF_DIR");
    env.put("HADOOP_CONF_DIR", yarn.confDir().toString());
    env.put("SCORE_SDE_LOG", log.toString());
    env.put("SCORE_SDE_JAVA_OPTS", String.join(" ", "-Dspark.executor.instances=1", "-Dspark.executor.cores=1",
        "-Dspark.executor.memory=1g", "-Dspark.executor.memoryOverhead=1g", "-Dspark.yarn.am.memory=512m",
        "-Dspark.yarn.appMasterEnv.JAVA_HOME=" + javaHome, "-Dspark.executorEnv.JAVA_HOME=" + javaHome));
    long start = System.nanoTime();
    Process p = pb.start();
    p.getOutputStream().close();
    boolean ended = p.waitFor(10, TimeUnit.MINUTES);
    if (!ended) {
      p.destroyForcibly().waitFor();
    }
    System.err.printf("YarnClusterTest: the launcher's %s took %.0f s%n", args[0], (System.nanoTime() - start) / 1e9);
    List<ApplicationReport> apps = yarn.applications();
    ApplicationReport last = apps.isEmpty() ? null : apps.get(apps.size() - 1);
    String app = last != null && last.getName().equals("score-sde " + args[0]) ? last.getApplicationId().toString() : null;
    String why = "the launcher's " + args[0] + ": " + (ended ? "exit " + p.exitValue() : "no end in 10 min") + "\n"
        + Files.readString(out) + (app == null ? "\n(no application named score-sde " + args[0] + ": " + apps + ")"
        : "\n--- containers:" + yarn.containerLogs(app, 80));
    assertTrue(ended && p.exitValue() == 0, why);
    assertTrue(app != null, why);
    assertEquals(FinalApplicationStatus.SUCCEEDED, yarn.report(app).getFinalApplicationStatus(), why);
  }

  /**
   * spark-submit of {@code command} to YARN in cluster deploy mode with conf/spark/yarn.conf, memory scaled
   * to this machine; asserts that spark-submit succeeded and that the ResourceManager reports the application
   * FINISHED with final status SUCCEEDED, else fails with spark-submit's output and the containers' logs.
   * {@code h}: the hdfs:// URI of the filesystem that holds the libraries.
   */
  private static void submit(SparkDistribution spark, MiniYarn yarn, String h, String command, String... args) throws Exception {
    String javaHome = System.getProperty("java.home");
    List<String> submit = new ArrayList<>(List.of(
        "--properties-file", OpsFiles.home().resolve("conf/spark/yarn.conf").toString(),
        "--master", "yarn", "--deploy-mode", "cluster", "--name", "score-sde " + command,
        // the profile is sized for nodes of >= 10 GiB a container (a 9 GiB driver, four 10 GiB executors); here three
        // containers of 2 GiB share the 8 GiB node on a 2-core machine: the application master, whose driver averages
        // the parameters of a 2-D toy network (a 1g heap is plenty) ...
        "--conf", "spark.driver.memory=1g", "--conf", "spark.driver.memoryOverhead=1g", "--conf", "spark.driver.cores=1",
        // ... and two executors of one core each, so that train.workers=2 averages across two JVMs, as on a cluster.
        // The overhead of 1g holds the JVM's native memory and ND4J's few megabytes of toy arrays (the profile's
        // javacpp limits stay: they bound nothing this small); the NodeManager's physical memory check is on
        "--conf", "spark.executor.instances=2", "--conf", "spark.executor.cores=1",
        "--conf", "spark.executor.memory=1g", "--conf", "spark.executor.memoryOverhead=1g",
        // Spark's jars are installed on the node (as a distribution on every node, or spark.yarn.archive on HDFS
        // would be): without this spark-submit zips and uploads SPARK_HOME/jars for every application
        "--conf", "spark.yarn.jars=local:" + spark.home().resolve("jars") + "/*",
        // the containers' java: the NodeManager passes on its own JAVA_HOME only if its environment has one
        "--conf", "spark.yarn.appMasterEnv.JAVA_HOME=" + javaHome, "--conf", "spark.executorEnv.JAVA_HOME=" + javaHome,
        // the application's libraries from HDFS, where they were put once (a glob spark-submit expands there)
        "--jars", h + LIBRARIES + "/*.jar",
        "--class", "org.scoresde.cli.Main", spark.jobJar().toString(), command));
    submit.addAll(List.of(args));
    Map<String, String> env = Map.of("HADOOP_CONF_DIR", yarn.confDir().toString());
    long start = System.nanoTime();
    SparkDistribution.Result r = spark.run(spark.submitCommand(env, submit.toArray(String[]::new)), env, Duration.ofMinutes(10));
    System.err.printf("YarnClusterTest: %s took %.0f s%n", command, (System.nanoTime() - start) / 1e9);
    Matcher id = APPLICATION.matcher(r.output());
    assertTrue(id.find(), "spark-submit " + command + " submitted no application:\n" + r.output());
    String app = id.group();
    ApplicationReport report = yarn.report(app);
    String why = "spark-submit " + command + " (" + app + "): exit " + r.code() + ", " + report.getYarnApplicationState()
        + "/" + report.getFinalApplicationStatus() + ", " + report.getDiagnostics() + "\n--- spark-submit:\n" + r.output()
        + "\n--- containers:" + yarn.containerLogs(app, 150);
    assertEquals(0, r.code(), why);
    assertEquals(YarnApplicationState.FINISHED, report.getYarnApplicationState(), why);
    assertEquals(FinalApplicationStatus.SUCCEEDED, report.getFinalApplicationStatus(), why);
  }

  private static String read(FileSystem fs, String path) throws Exception {
    try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(path))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
