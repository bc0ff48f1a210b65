package org.scoresde.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Spark distribution and the project's job jar laid out for a test, and spark-submit run the way
 * bin/spark-submit runs it. The Spark home's jars/ holds Spark's own jars and nothing of the project
 * ({@link PlainSparkHome}); {@code lib/score-sde.jar} is the compiled classes with the manifest
 * Class-Path {@code deps/*.jar} of {@code mvn package}, the application's libraries linked in
 * {@code lib/deps/}; {@code lib/score-sde-plain.jar} has no Class-Path. Spark's
 * launcher (org.apache.spark.launcher.Main, what bin/spark-class calls) turns spark-submit arguments
 * into the java command of SparkSubmit, which the test then runs as a process of its own.
 */
public final class SparkDistribution {
  private final Path home;
  private final Path lib;
  private final List<Path> libraries;

  private SparkDistribution(Path home, Path lib, List<Path> libraries) {
    this.home = home;
    this.lib = lib;
    this.libraries = libraries;
  }

  /**
   * A plain Spark home ({@link PlainSparkHome}, shared and read-only) and {@code dir/score-sde} laid out
   * as {@code mvn package} writes it ({@link ApplicationLayout}), with the plain jar beside the job jar.
   */
  public static SparkDistribution layOut(Path dir) throws IOException, InterruptedException {
    Path home = PlainSparkHome.get();
    ApplicationLayout app = ApplicationLayout.create(dir.resolve("score-sde"));
    Path lib = app.root().resolve("lib");
    ApplicationLayout.writeJar(projectHome().resolve("target/classes"), lib.resolve("score-sde-plain.jar"), null);
    return new SparkDistribution(home, lib, app.deps());
  }

  /** SPARK_HOME. */
  public Path home() {
    return home;
  }

  /** The project's launcher, {@code jobs/score-sde}, beside {@code lib/} (lib/spark/ holds Spark's own jars). */
  public Path launcher() {
    return lib.resolveSibling("jobs").resolve("score-sde");
  }

  /** {@code lib/score-sde.jar}: Main-Class and the manifest Class-Path to {@code lib/deps/}. */
  public Path jobJar() {
    return lib.resolve("score-sde.jar");
  }

  /** {@code lib/score-sde-plain.jar}: the same classes, no Class-Path. */
  public Path plainJar() {
    return lib.resolve("score-sde-plain.jar");
  }

  /** The application's libraries, {@code lib/deps/*.jar}. */
  public List<Path> libraries() {
    return libraries;
  }

  /**
   * What bin/spark-class does: asks Spark's launcher for the command of spark-submit {@code submitArgs}
   * (bin/spark-class's protocol: messages, then "\0\n", then the command, every argument ending in \0),
   * with the environment of {@link #environment} plus {@code env}.
   */
  public List<String> submitCommand(Map<String, String> env, String... submitArgs) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx128m", "-cp", home.resolve("jars") + "/*",
        "org.apache.spark.launcher.Main", "org.apache.spark.deploy.SparkSubmit"));
    cmd.addAll(List.of(submitArgs));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    environment(pb.environment(), env);
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), err);
    int start = out.indexOf("\0\n");
    assertTrue(start >= 0, "no command from the launcher: " + out + err);
    List<String> command = Stream.of(out.substring(start + 2).split("\0")).filter(s -> !s.isEmpty()).toList();
    assertTrue(command.size() > 3 && command.contains("org.apache.spark.deploy.SparkSubmit"), out + err);
    return command;
  }

  /** Runs {@code command} with the environment of {@link #environment} plus {@code env}; fails after {@code timeout}. */
  public Result run(List<String> command, Map<String, String> env, Duration timeout) throws Exception {
    Path log = Files.createTempFile(lib, "spark-submit-", ".log");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    environment(pb.environment(), env);
    Process p = pb.start();
    p.getOutputStream().close();
    boolean ended = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (!ended) {
      p.destroyForcibly().waitFor();
    }
    String output = Files.readString(log);
    assertTrue(ended, "spark-submit did not end within " + timeout + ":\n" + output);
    return new Result(p.exitValue(), output);
  }

  /** A process's exit code and its stdout and stderr, interleaved. */
  public record Result(int code, String output) {}

  /**
   * What bin/load-spark-env.sh and a clean shell give spark-submit: SPARK_HOME, SPARK_SCALA_VERSION (the launcher
   * needs it to find SPARK_HOME/jars), this JVM's JAVA_HOME, one OpenMP thread, no Spark or Hadoop configuration
   * directory of the machine's; then {@code env}.
   */
  private void environment(Map<String, String> target, Map<String, String> env) {
    target.put("SPARK_HOME", home.toString());
    target.put("JAVA_HOME", System.getProperty("java.home"));
    target.put("OMP_NUM_THREADS", "1");
    target.put("SPARK_SCALA_VERSION", "2.12");
    target.remove("SPARK_CONF_DIR");
    target.remove("HADOOP_CONF_DIR");
    target.remove("YARN_CONF_DIR");
    target.putAll(env);
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The project directory (surefire sets SCORE_SDE_HOME; else the working directory). */
  public static Path projectHome() {
    String h = System.getenv("SCORE_SDE_HOME");
    return Path.of(h == null ? "" : h).toAbsolutePath();
  }
}
