package org.scoresde.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job jar under spark-submit, the way bin/spark-submit runs it: a Spark home whose jars/ holds
 * Spark and Hadoop but none of the project's libraries, Spark's launcher (org.apache.spark.launcher.Main,
 * what bin/spark-class calls) turning the spark-submit arguments and a conf/spark profile into the
 * driver's java command, and that command run. The project's classes and libraries reach the
 * driver only through the job jar: its manifest Class-Path (lib/deps/ beside lib/score-sde.jar, the
 * layout {@code mvn package} writes) or --jars.
 */
class SparkSubmitTest {
  @TempDir static Path dir;
  static Path sparkHome;
  static Path lib;
  static List<Path> deps;
  static Path csv;

  @BeforeAll
  static void layout() throws Exception {
    sparkHome = PlainSparkHome.get();
    ApplicationLayout app = ApplicationLayout.create(dir.resolve("score-sde"));
    lib = app.root().resolve("lib");
    deps = app.deps();
    ApplicationLayout.writeJar(OpsFiles.home().resolve("target/classes"), lib.resolve("score-sde-plain.jar"), null);
    csv = dir.resolve("toy.csv");
    StringBuilder rows = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      rows.append(Math.sin(i)).append(',').append(Math.cos(0.7 * i)).append('\n');
    }
    Files.writeString(csv, rows.toString());
  }

  @Test
  void propertiesFileShapesTheDriverJvmAndTheManifestClassPathCarriesTheLibraries() throws Exception {
    Path out = dir.resolve("shards-manifest");
    List<String> command = launch("--properties-file", OpsFiles.home().resolve("conf/spark/local.conf").toString(),
        "--master", "local[2]", "--class", "org.scoresde.cli.Main", lib.resolve("score-sde.jar").toString(),
        "shard", "--format", "csv", "--input", csv.toString(), "--output", out.toString(), "--shards", "2");
    // spark.driver.memory and spark.driver.extraJavaOptions of the profile go into the driver's java command (Spark 3.5's
    // launcher adds the same --add-opens itself: the javacpp limits and -Xmx are what only the profile brings)
    assertTrue(command.contains("-Xmx3g"), command.toString());
    assertTrue(command.containsAll(OpsFiles.java17Opens()), command.toString());
    assertTrue(command.contains("-Dorg.bytedeco.javacpp.maxbytes=3G"), command.toString());
    assertTrue(command.contains("-Xmn256m"), command.toString());
    String cp = command.get(command.indexOf("-cp") + 1);
    assertTrue(!cp.contains("picocli") && !cp.contains("nd4j") && !cp.contains("target/classes"), cp);
    Result r = run(command);
    assertEquals(0, r.code, r.output);
    assertShards(out, 300);
  }

  @Test
  void jarsOptionShipsTheLibrariesOfAJarWithoutClassPath() throws Exception {
    Path out = dir.resolve("shards-jars");
    String jarsOption = deps.stream().map(Path::toString).collect(Collectors.joining(","));
    Result r = run(launch("--master", "local[2]", "--driver-java-options", String.join(" ", OpsFiles.java17Opens()),
        "--jars", jarsOption, "--class", "org.scoresde.cli.Main", lib.resolve("score-sde-plain.jar").toString(),
        "shard", "--format", "csv", "--input", csv.toString(), "--output", out.toString(), "--shards", "3"));
    assertEquals(0, r.code, r.output);
    assertShards(out, 300);
  }

  @Test
  void withoutTheLibrariesTheJobCannotStart() throws Exception {
    // the control: the plain jar alone lacks picocli, so the split of the class path above is real
    Result r = run(launch("--master", "local[1]", "--class", "org.scoresde.cli.Main",
        lib.resolve("score-sde-plain.jar").toString(), "--help"));
    assertNotEquals(0, r.code, r.output);
    assertTrue(r.output.contains("picocli"), r.output);
  }

  /** What bin/spark-class does: asks Spark's launcher for the driver command (NUL-separated). */
  private static List<String> launch(String... submitArgs) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(OpsFiles.java(), "-Xmx128m", "-cp", sparkHome.resolve("jars") + "/*",
        "org.apache.spark.launcher.Main", "org.apache.spark.deploy.SparkSubmit"));
    cmd.addAll(List.of(submitArgs));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    environment(pb.environment());
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), err);
    // bin/spark-class's protocol: messages, then "\0\n", then the command, every argument ending in \0
    int start = out.indexOf("\0\n");
    assertTrue(start >= 0, "no command from the launcher: " + out + err);
    List<String> command = Stream.of(out.substring(start + 2).split("\0")).filter(s -> !s.isEmpty()).toList();
    assertTrue(command.size() > 3 && command.contains("org.apache.spark.deploy.SparkSubmit"), out + err);
    return command;
  }

  private static Result run(List<String> command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    environment(pb.environment());
    Process p = pb.start();
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(10, TimeUnit.MINUTES), "the job did not end");
    return new Result(p.exitValue(), output);
  }

  private static void environment(Map<String, String> env) {
    env.put("SPARK_HOME", sparkHome.toString());
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("OMP_NUM_THREADS", "1");
    // what bin/load-spark-env.sh exports in a distribution; the launcher needs it to find SPARK_HOME/jars
    env.put("SPARK_SCALA_VERSION", "2.12");
    env.remove("SPARK_CONF_DIR");
    env.remove("HADOOP_CONF_DIR");
  }

  private static void assertShards(Path out, long count) throws IOException {
    assertTrue(Files.exists(out.resolve("_SUCCESS")), "no _SUCCESS in " + out);
    JsonNode manifest = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
    assertEquals(count, manifest.get("count").asLong());
  }

  private record Result(int code, String output) {}
}
