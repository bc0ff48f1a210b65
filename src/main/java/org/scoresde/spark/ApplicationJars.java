package org.scoresde.spark;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.scoresde.io.ManifestClassPath;

/**
 * The jars the executors of a cluster need and a Spark installation lacks: the application jar and
 * the libraries its manifest {@code Class-Path} names (lib/deps/ as {@code mvn package} writes it;
 * Spark's own jars are in lib/spark/ and not named). Of libnd4j's native builds only the one the
 * executors will load is kept: the others are about 90 MB each and would be copied to every executor.
 */
public final class ApplicationJars {
  private static final Pattern NATIVE_BUILD = Pattern.compile("nd4j-native-[0-9][^-]*(?:-M[0-9.]+)?-linux-x86_64(-onednn-[a-z0-9]+)?\\.jar");

  private ApplicationJars() {}

  /**
   * The jars to ship for executors that load the libnd4j build {@code nativeExtension} ("" for the
   * plain one), when this class runs from a jar with a manifest class path; empty otherwise (a class
   * directory, as in the tests, or a jar without one, as under spark-submit with --jars).
   */
  public static Optional<List<Path>> ofRunningJar(String nativeExtension) {
    Optional<Path> jar = runningJar();
    if (jar.isEmpty()) {
      return Optional.empty();
    }
    try {
      List<Path> jars = of(jar.get(), nativeExtension);
      return jars.size() > 1 ? Optional.of(jars) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * Spark's own jars beside the running jar ({@code lib/spark/*.jar}, as {@code mvn package} lays
   * them out) as a glob for spark.yarn.jars, when this class runs from such a jar; empty otherwise.
   */
  public static Optional<String> sparkJarsBesideRunningJar() {
    return runningJar().map(jar -> jar.resolveSibling("spark")).filter(Files::isDirectory)
        .map(dir -> dir.toUri() + "*.jar");
  }

  private static Optional<Path> runningJar() {
    CodeSource source = ApplicationJars.class.getProtectionDomain().getCodeSource();
    if (source == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Path.of(source.getLocation().toURI())).filter(Files::isRegularFile);
    } catch (URISyntaxException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** {@code jar} and the existing files its manifest Class-Path names, less the other native builds. */
  static List<Path> of(Path jar, String nativeExtension) throws IOException {
    List<Path> jars = new ArrayList<>();
    jars.add(jar);
    for (Path library : ManifestClassPath.of(jar)) {
      if (Files.isRegularFile(library) && wanted(library.getFileName().toString(), nativeExtension)) {
        jars.add(library);
      }
    }
    return jars;
  }

  private static boolean wanted(String fileName, String nativeExtension) {
    Matcher m = NATIVE_BUILD.matcher(fileName);
    if (!m.matches()) {
      return true;
    }
    String extension = m.group(1) == null ? "" : m.group(1);
    return extension.equals(nativeExtension);
  }
}
