package org.scoresde.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.scoresde.io.ManifestClassPath;

/**
 * Command lines for JVMs started from this one (Spark master and workers, evaluate probes): this
 * JVM's java, its classpath with every jar manifest's Class-Path expanded (the launcher's class
 * path names lib/score-sde.jar, whose libraries in lib/deps/ are listed only there), the module openings
 * Spark needs on Java 17, and this JVM's ND4J/JavaCPP/logging system properties, so a child runs
 * the same ND4J build (e.g. the oneDNN extension) as the parent.
 */
final class ChildJvm {
  private static final String[] OPENS = {
    "java.lang", "java.lang.invoke", "java.lang.reflect", "java.io", "java.net", "java.nio", "java.util",
    "java.util.concurrent", "java.util.concurrent.atomic", "sun.nio.ch", "sun.nio.cs", "sun.security.action",
    "sun.util.calendar"
  };
  private static final String[] FORWARDED = {"org.bytedeco.", "org.deeplearning4j.", "org.nd4j.", "log4j2.", "score.sde."};

  private ChildJvm() {}

  /** Every classpath entry of this JVM, manifest Class-Path entries included, in order, existing ones only. */
  static List<Path> classpath() {
    Set<Path> out = new LinkedHashSet<>();
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!e.isEmpty()) {
        add(Path.of(e).toAbsolutePath().normalize(), out);
      }
    }
    return new ArrayList<>(out);
  }

  private static void add(Path p, Set<Path> out) {
    if (!Files.exists(p) || !out.add(p) || !Files.isRegularFile(p) || !p.toString().endsWith(".jar")) {
      return;
    }
    try {
      for (Path dep : ManifestClassPath.of(p)) {
        add(dep, out);
      }
    } catch (IOException e) {
      // not a readable jar: keep it as it is
    }
  }

  /** The java binary of this JVM. */
  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** --add-opens flags for Spark on Java 17. */
  static List<String> opens() {
    List<String> flags = new ArrayList<>();
    for (String p : OPENS) {
      flags.add("--add-opens=java.base/" + p + "=ALL-UNNAMED");
    }
    return flags;
  }

  /** -Dkey=value for this JVM's ND4J, JavaCPP, DL4J, logging and score-sde properties. */
  static List<String> forwardedProperties() {
    List<String> flags = new ArrayList<>();
    for (String key : System.getProperties().stringPropertyNames()) {
      for (String prefix : FORWARDED) {
        if (key.startsWith(prefix)) {
          flags.add("-D" + key + "=" + System.getProperty(key));
          break;
        }
      }
    }
    return flags;
  }

  /** A full command line running {@code mainClass} with {@code heap} (e.g. "3g") on this JVM's classpath. */
  static List<String> command(String heap, String mainClass, List<String> args) {
    return command(heap, List.of(), mainClass, args);
  }

  /** The same with JVM flags after the forwarded properties (so a -D here replaces a forwarded one). */
  static List<String> command(String heap, List<String> flags, String mainClass, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.addAll(opens());
    cmd.add("-Xmx" + heap);
    cmd.addAll(forwardedProperties());
    cmd.addAll(flags);
    cmd.add("-cp");
    cmd.add(String.join(File.pathSeparator, classpath().stream().map(Path::toString).toList()));
    cmd.add(mainClass);
    cmd.addAll(args);
    return cmd;
  }
}
