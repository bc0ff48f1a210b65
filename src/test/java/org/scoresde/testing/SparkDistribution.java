package org.scoresde.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

/**
 * A Spark distribution and the project's job jar laid out for a test, and spark-submit run the way
 * bin/spark-submit runs it. The Spark home's jars/ holds the test class path's jars that are not the
 * application's libraries (Spark, Hadoop and what they bring), linked; {@code lib/score-sde.jar} is
 * the compiled classes with the manifest Class-Path {@code deps/*.jar} of {@code mvn package}, the
 * libraries linked in {@code lib/deps/}; {@code lib/score-sde-plain.jar} has no Class-Path. Spark's
 * launcher (org.apache.spark.launcher.Main, what bin/spark-class calls) turns spark-submit arguments
 * into the java command of SparkSubmit, which the test then runs as a process of its own.
 */
public final class SparkDistribution {
  /** Libraries of the application, not of a Spark distribution: they must come with the job jar. */
  public static final List<String> APPLICATION_LIBRARIES = List.of("/org/bytedeco/", "/org/nd4j/",
      "/org/deeplearning4j/", "/org/datavec/", "/info/picocli/", "/com/typesafe/config/", "/org/knowm/",
      "/de/rototor/", "/de/erichseifert/", "/com/twelvemonkeys/");

  private final Path home;
  private final Path lib;
  private final List<Path> libraries;

  private SparkDistribution(Path home, Path lib, List<Path> libraries) {
    this.home = home;
    this.lib = lib;
    this.libraries = libraries;
  }

  /** Lays out {@code dir/spark-home} and {@code dir/score-sde/lib} from this JVM's class path and target/classes. */
  public static SparkDistribution layOut(Path dir) throws IOException {
    Path home = Files.createDirectories(dir.resolve("spark-home"));
    Path jars = Files.createDirectories(home.resolve("jars"));
    // a distribution's marker: the launcher then takes its class path from SPARK_HOME/jars
    Files.writeString(home.resolve("RELEASE"), "Spark 3.5.5 (test layout of score-sde-spark)\n");
    Path lib = Files.createDirectories(dir.resolve("score-sde/lib"));
    Path depDir = Files.createDirectories(lib.resolve("deps"));
    List<Path> deps = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(entry);
      if (!entry.endsWith(".jar") || !Files.isRegularFile(p)) {
        continue;
      }
      boolean application = APPLICATION_LIBRARIES.stream().anyMatch(entry::contains);
      Path link = (application ? depDir : jars).resolve(p.getFileName());
      if (!Files.exists(link)) {
        Files.createSymbolicLink(link, p);
        if (application) {
          deps.add(link);
        }
      }
    }
    Path classes = projectHome().resolve("target/classes");
    String classPath = deps.stream().map(d -> "deps/" + d.getFileName()).collect(Collectors.joining(" "));
    jar(classes, lib.resolve("score-sde.jar"), classPath);
    jar(classes, lib.resolve("score-sde-plain.jar"), null);
    return new SparkDistribution(home, lib, List.copyOf(deps));
  }

  /** SPARK_HOME. */
  public Path home() {
    return home;
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
  private static Path projectHome() {
    String h = System.getenv("SCORE_SDE_HOME");
    return Path.of(h == null ? "" : h).toAbsolutePath();
  }

  /** A jar of the compiled classes with Main-Class, and Class-Path when given (as maven-jar-plugin writes it). */
  private static void jar(Path classes, Path jar, String classPath) throws IOException {
    Manifest mf = new Manifest();
    mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "org.scoresde.cli.Main");
    if (classPath != null) {
      mf.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
    }
    try (OutputStream os = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(os, mf);
         Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        jos.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
        Files.copy(f, jos);
        jos.closeEntry();
      }
    }
  }
}
