package org.scoresde.io;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The libraries a jar's manifest {@code Class-Path} names, resolved as the JVM resolves them (against
 * the jar's folder, or as {@code file:} URIs): lib/score-sde.jar lists lib/deps/ only there, and both
 * the driver shipping jars to executors and the bench starting child JVMs need that list.
 */
public final class ManifestClassPath {
  private ManifestClassPath() {}

  /** The entries in manifest order, normalized; empty when the jar has no manifest or no Class-Path. Existence is not checked. */
  public static List<Path> of(Path jar) throws IOException {
    Manifest manifest;
    try (JarFile file = new JarFile(jar.toFile())) {
      manifest = file.getManifest();
    }
    String classPath = manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
    List<Path> entries = new ArrayList<>();
    if (classPath == null) {
      return entries;
    }
    Path folder = jar.toAbsolutePath().getParent();
    for (String entry : classPath.trim().split("\\s+")) {
      if (!entry.isEmpty()) {
        Path p = entry.startsWith("file:") ? Path.of(URI.create(entry)) : folder.resolve(entry);
        entries.add(p.normalize());
      }
    }
    return entries;
  }
}
