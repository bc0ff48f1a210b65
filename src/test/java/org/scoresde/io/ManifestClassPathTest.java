package org.scoresde.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestClassPathTest {
  @TempDir Path dir;

  private Path jar(String classPath) throws Exception {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    if (classPath != null) {
      manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
    }
    Path jar = Files.createDirectories(dir.resolve("lib")).resolve("app.jar");
    try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, manifest)) {
      j.flush();
    }
    return jar;
  }

  @Test
  void entriesResolveAgainstTheJarsFolderOrAsFileUris() throws Exception {
    Path absolute = dir.resolve("elsewhere").resolve("x.jar");
    Path jar = jar("deps/a.jar  ../b.jar " + absolute.toUri());
    assertEquals(List.of(dir.resolve("lib/deps/a.jar"), dir.resolve("b.jar"), absolute), ManifestClassPath.of(jar));
  }

  @Test
  void noClassPathOrABlankOneIsEmpty() throws Exception {
    assertEquals(List.of(), ManifestClassPath.of(jar(null)));
    assertEquals(List.of(), ManifestClassPath.of(jar("  ")));
  }
}
