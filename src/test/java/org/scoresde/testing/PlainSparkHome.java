package org.scoresde.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Spark installation with nothing of this project in it: Spark's own jars and their dependencies as
 * Spark resolves them on its own (src/test/plain-spark/pom.xml, with Spark's version choices), copied
 * by Maven into target/plain-spark/jars once and reused. Stands in for the jars/ of a Spark
 * distribution on a cluster's nodes.
 */
public final class PlainSparkHome {
  private PlainSparkHome() {}

  /** The Spark home (jars/ and RELEASE), resolving it first if this build has not yet. */
  public static synchronized Path get() throws IOException, InterruptedException {
    Path home = SparkDistribution.projectHome().resolve("target/plain-spark");
    Path done = home.resolve("RELEASE");
    if (Files.exists(done)) {
      return home;
    }
    String version = sparkVersion();
    Path log = Files.createDirectories(home).resolve("resolve.log");
    ProcessBuilder pb = new ProcessBuilder("mvn", "-B", "-q", "-f",
        SparkDistribution.projectHome().resolve("src/test/plain-spark/pom.xml").toString(), "dependency:copy-dependencies",
        "-DincludeScope=runtime", "-Dspark.version=" + version, "-DoutputDirectory=" + home.resolve("jars"))
        .redirectErrorStream(true).redirectOutput(log.toFile());
    Process p = pb.start();
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("resolving a plain Spark " + version + " failed: " + Files.readString(log));
    }
    Files.writeString(done, "Spark " + version + " (jars resolved by Maven for score-sde-spark's tests)\n",
        StandardCharsets.UTF_8);
    return home;
  }

  /** The project's spark.version. */
  public static String sparkVersion() throws IOException {
    Matcher m = Pattern.compile("<spark.version>(.*?)</spark.version>").matcher(Files.readString(SparkDistribution.projectHome().resolve("pom.xml")));
    if (!m.find()) {
      throw new IllegalStateException("pom.xml has no spark.version property");
    }
    return m.group(1).trim();
  }

  /** The file names in the home's jars/. */
  public static List<String> jarNames(Path home) throws IOException {
    try (var files = Files.list(home.resolve("jars"))) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }
}
