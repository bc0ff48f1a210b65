package org.scoresde.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scoresde.testing.SparkDistribution;

/**
 * The job jar under spark-submit, the way bin/spark-submit runs it: a Spark home whose jars/ holds
 * Spark and Hadoop but none of the project's libraries, Spark's launcher (org.apache.spark.launcher.Main,
 * what bin/spark-class calls) turning the spark-submit arguments and a conf/spark profile into the
 * driver's java command, and that command run ({@link SparkDistribution}). The project's classes and
 * libraries reach the driver only through the job jar: its manifest Class-Path (lib/deps/ beside
 * lib/score-sde.jar, the layout {@code mvn package} writes) or --jars.
 */
class SparkSubmitTest {
  @TempDir static Path dir;
  static SparkDistribution spark;
  static Path csv;

  @BeforeAll
  static void layout() throws Exception {
    spark = SparkDistribution.layOut(dir);
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
        "--master", "local[2]", "--class", "org.scoresde.cli.Main", spark.jobJar().toString(),
        "shard", "--format", "csv", "--input", csv.toString(), "--output", out.toString(), "--shards", "2");
    // spark.driver.memory and spark.driver.extraJavaOptions of the profile go into the driver's java command (Spark 3.5's
    // launcher adds the same --add-opens itself: the javacpp limits and -Xmx are what only the profile brings)
    assertTrue(command.contains("-Xmx3g"), command.toString());
    assertTrue(command.containsAll(OpsFiles.java17Opens()), command.toString());
    assertTrue(command.contains("-Dorg.bytedeco.javacpp.maxbytes=3G"), command.toString());
    assertTrue(command.contains("-Xmn256m"), command.toString());
    String cp = command.get(command.indexOf("-cp") + 1);
    assertTrue(!cp.contains("picocli") && !cp.contains("nd4j") && !cp.contains("target/classes"), cp);
    SparkDistribution.Result r = run(command);
    assertEquals(0, r.code(), r.output());
    assertShards(out, 300);
  }

  @Test
  void jarsOptionShipsTheLibrariesOfAJarWithoutClassPath() throws Exception {
    Path out = dir.resolve("shards-jars");
    String jarsOption = spark.libraries().stream().map(Path::toString).collect(Collectors.joining(","));
    SparkDistribution.Result r = run(launch("--master", "local[2]", "--driver-java-options",
        String.join(" ", OpsFiles.java17Opens()), "--jars", jarsOption, "--class", "org.scoresde.cli.Main",
        spark.plainJar().toString(), "shard", "--format", "csv", "--input", csv.toString(), "--output", out.toString(),
        "--shards", "3"));
    assertEquals(0, r.code(), r.output());
    assertShards(out, 300);
  }

  @Test
  void withoutTheLibrariesTheJobCannotStart() throws Exception {
    // the control: the plain jar alone lacks picocli, so the split of the class path above is real
    SparkDistribution.Result r = run(launch("--master", "local[1]", "--class", "org.scoresde.cli.Main",
        spark.plainJar().toString(), "--help"));
    assertNotEquals(0, r.code(), r.output());
    assertTrue(r.output().contains("picocli"), r.output());
  }

  private static List<String> launch(String... submitArgs) throws Exception {
    return spark.submitCommand(Map.of(), submitArgs);
  }

  private static SparkDistribution.Result run(List<String> command) throws Exception {
    return spark.run(command, Map.of(), Duration.ofMinutes(10));
  }

  private static void assertShards(Path out, long count) throws IOException {
    assertTrue(Files.exists(out.resolve("_SUCCESS")), "no _SUCCESS in " + out);
    JsonNode manifest = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
    assertEquals(count, manifest.get("count").asLong());
  }
}
