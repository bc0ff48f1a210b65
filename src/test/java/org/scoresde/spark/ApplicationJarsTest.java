package org.scoresde.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scoresde.testing.ApplicationLayout;

class ApplicationJarsTest {
  private static final List<String> LIBRARIES = List.of("picocli-4.7.7.jar", "nd4j-native-1.0.0-M2.1.jar",
      "nd4j-native-1.0.0-M2.1-linux-x86_64.jar", "nd4j-native-1.0.0-M2.1-linux-x86_64-onednn-avx2.jar",
      "nd4j-native-1.0.0-M2.1-linux-x86_64-onednn-avx512.jar", "nd4j-native-preset-1.0.0-M2.1-linux-x86_64.jar");

  @Test
  void theJarAndItsManifestLibrariesWithTheOneNativeBuildExecutorsLoad(@TempDir Path dir) throws IOException {
    Path jar = layout(dir, String.join(" ", LIBRARIES.stream().map(l -> "deps/" + l).toList()) + " deps/missing-1.jar");
    assertEquals(List.of("score-sde.jar", "picocli-4.7.7.jar", "nd4j-native-1.0.0-M2.1.jar",
        "nd4j-native-1.0.0-M2.1-linux-x86_64-onednn-avx512.jar", "nd4j-native-preset-1.0.0-M2.1-linux-x86_64.jar"),
        names(ApplicationJars.of(jar, "-onednn-avx512")));
    assertEquals(List.of("score-sde.jar", "picocli-4.7.7.jar", "nd4j-native-1.0.0-M2.1.jar",
        "nd4j-native-1.0.0-M2.1-linux-x86_64.jar", "nd4j-native-preset-1.0.0-M2.1-linux-x86_64.jar"),
        names(ApplicationJars.of(jar, "")));
  }

  @Test
  void aJarWithoutClassPathIsAloneAndTheTestsClassesShipNothing(@TempDir Path dir) throws IOException {
    assertEquals(List.of("score-sde.jar"), names(ApplicationJars.of(layout(dir, null), "")));
    // the tests run from class directories: the driver then ships nothing and spark.jars stays the caller's
    assertEquals(java.util.Optional.empty(), ApplicationJars.ofRunningJar(""));
  }

  @Test
  void theExecutorsBuildIsTheOneTheirOptionsName() {
    assertEquals("-onednn-avx2", SparkSessions.executorExtension(
        "-Xmn256m -Dorg.bytedeco.javacpp.platform.extension=-onednn-avx2 -Dx=y"));
    assertEquals("", SparkSessions.executorExtension("-Xmn256m"));
  }

  private static Path layout(Path dir, String classPath) throws IOException {
    Path deps = Files.createDirectories(dir.resolve("lib/deps"));
    for (String l : LIBRARIES) {
      Files.writeString(deps.resolve(l), "");
    }
    Path jar = dir.resolve("lib/score-sde.jar");
    ApplicationLayout.writeJar(Files.createDirectories(dir.resolve("classes")), jar, classPath);
    return jar;
  }

  private static List<String> names(List<Path> jars) {
    return jars.stream().map(p -> p.getFileName().toString()).toList();
  }
}
