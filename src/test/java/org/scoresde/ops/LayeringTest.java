package org.scoresde.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages' layering (docs/architecture.md): a package may use only packages of a lower layer,
 * whether by import or by a fully qualified name in code or Javadoc, so the graph has no cycle and the
 * mathematics can be used without the command line. A new package must be placed in a layer here and
 * say in its package-info what it holds and what it may use.
 */
class LayeringTest {
  /** Bottom to top; packages of one layer do not use each other. */
  static final List<List<String>> LAYERS = List.of(
      List.of("config", "sde", "evaluate", "nd4j"),
      List.of("time", "ode", "io"),
      List.of("data", "score"),
      List.of("nn", "likelihood", "sampling"),
      List.of("image", "model", "quality", "report", "verify"),
      List.of("fp"),
      List.of("train"),
      List.of("spark"),
      List.of("bench"),
      List.of("cli"));

  private static final Path MAIN = Path.of("src/main/java/org/scoresde");
  private static final Pattern USE = Pattern.compile("\\borg\\.scoresde\\.([a-z0-9]+)\\.");

  @Test
  void everyPackageUsesOnlyLowerLayers() throws IOException {
    Map<String, Integer> layer = new TreeMap<>();
    for (int i = 0; i < LAYERS.size(); i++) {
      for (String p : LAYERS.get(i)) {
        layer.put(p, i);
      }
    }
    assertEquals(new TreeSet<>(layer.keySet()), packages(), "packages on disk vs packages placed in a layer");
    List<String> violations = new ArrayList<>();
    for (String p : packages()) {
      try (Stream<Path> files = Files.list(MAIN.resolve(p))) {
        for (Path f : files.filter(x -> x.toString().endsWith(".java")).sorted().toList()) {
          String text = Files.readString(f);
          Matcher m = USE.matcher(text);
          while (m.find()) {
            String used = m.group(1);
            if (!used.equals(p) && layer.getOrDefault(used, Integer.MAX_VALUE) >= layer.get(p)) {
              int line = text.substring(0, m.start()).split("\n", -1).length;
              violations.add(MAIN.relativize(f) + ":" + line + " (" + p + ", layer " + layer.get(p) + ") uses " + used
                  + " (layer " + layer.get(used) + ")");
            }
          }
        }
      }
    }
    assertTrue(violations.isEmpty(), "upward or sideways uses:\n" + String.join("\n", violations));
  }

  @Test
  void everyPackageSaysWhatItHolds() throws IOException {
    for (String p : packages()) {
      Path info = MAIN.resolve(p).resolve("package-info.java");
      assertTrue(Files.isRegularFile(info), info + " is missing");
      assertTrue(Files.readString(info).contains("package org.scoresde." + p + ";"), info.toString());
    }
  }

  private static TreeSet<String> packages() throws IOException {
    try (Stream<Path> dirs = Files.list(MAIN)) {
      return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
    }
  }
}
