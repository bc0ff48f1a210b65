package org.scoresde.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Packs class directories into a jar, as the bench's test cluster and the tests' application layouts
 * need a jar of the compiled classes when they run from target/classes rather than from lib/.
 */
public final class JarPacker {
  private JarPacker() {}

  /**
   * Writes the files under {@code directories} into {@code jar} in name order with {@code manifest};
   * of two files of one name, the first directory's wins, and a directory's own manifest gives way to {@code manifest}.
   */
  public static void pack(List<Path> directories, Path jar, Manifest manifest) throws IOException {
    Set<String> names = new HashSet<>(Set.of(JarFile.MANIFEST_NAME));
    try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os, manifest)) {
      for (Path classes : directories) {
        try (Stream<Path> files = Files.walk(classes)) {
          for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
            String name = classes.relativize(f).toString().replace('\\', '/');
            if (names.add(name)) {
              out.putNextEntry(new JarEntry(name));
              Files.copy(f, out);
              out.closeEntry();
            }
          }
        }
      }
    }
  }
}
