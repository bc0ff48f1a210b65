package org.scoresde.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scoresde.testing.ApplicationLayout;

/**
 * The launcher's heap: evaluate gets a fixed heap committed and touched at start (so its resident set
 * does not climb with the length of the integration), the other commands a growable one. Read from
 * the JVM's own account of its flags (-XX:+PrintCommandLineFlags), as the launcher starts it.
 */
class LauncherHeapTest {
  private static final Pattern FLAG = Pattern.compile("-XX:(InitialHeapSize|MaxHeapSize)=(\\d+)");

  @TempDir static Path dir;
  private static ApplicationLayout app;

  @BeforeAll
  static void layout() throws Exception {
    app = ApplicationLayout.create(dir.resolve("score-sde"));
  }

  private static String flags(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(app.launcher().toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().remove("SCORE_SDE_HEAP");
    pb.environment().put("SCORE_SDE_JAVA_OPTS", "-XX:+PrintCommandLineFlags");
    pb.environment().put("SCORE_SDE_LOG", dir.resolve("launcher.log").toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the launcher did not end");
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  private static long flag(String out, String name) {
    Matcher m = FLAG.matcher(out);
    while (m.find()) {
      if (m.group(1).equals(name)) {
        return Long.parseLong(m.group(2));
      }
    }
    throw new AssertionError(name + " not printed: " + out);
  }

  @Test
  void evaluateHasAFixedPretouchedHeapWhereverTheCommandIsNamed() throws Exception {
    for (String[] args : List.of(new String[] {"evaluate", "--help"}, new String[] {"--verbose", "evaluate", "--help"})) {
      String out = flags(args);
      assertTrue(out.contains("-XX:+AlwaysPreTouch"), out);
      assertEquals(512L << 20, flag(out, "MaxHeapSize"), out);
      assertEquals(flag(out, "MaxHeapSize"), flag(out, "InitialHeapSize"), out);
    }
  }

  @Test
  void otherCommandsHaveAGrowableHeap() throws Exception {
    String out = flags("train", "--help");
    assertFalse(out.contains("AlwaysPreTouch"), out);
    assertEquals(3L << 30, flag(out, "MaxHeapSize"), out);
    assertTrue(flag(out, "InitialHeapSize") < flag(out, "MaxHeapSize"), out);
  }
}
