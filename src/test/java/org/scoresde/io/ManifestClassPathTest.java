package org.scoresde.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scoresde.testing.ApplicationLayout;

class ManifestClassPathTest {
  @TempDir Path dir;

  private Path jar(String classPath) throws Exception {
    Path jar = Files.createDirectories(dir.resolve("lib")).resolve("app.jar");
    ApplicationLayout.writeJar(Files.createDirectories(dir.resolve("classes")), jar, classPath);
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
