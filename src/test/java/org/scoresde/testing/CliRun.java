package org.scoresde.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.scoresde.cli.Main;

/** Runs a command in this JVM as the launcher would, capturing what it prints. */
public final class CliRun {
  private CliRun() {}

  /** Runs {@code args} and returns {exit code, stdout, stderr}. */
  public static Object[] run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    int rc;
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      rc = Main.execute(args);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    return new Object[] {rc, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8)};
  }

  /**
   * Runs {@code args}, which must fail as bad input does: exit code 2 and exactly one {@code error:}
   * line on stderr (no screen of stack traces); returns that line.
   */
  public static String assertOneError(String what, String... args) {
    Object[] r = run(args);
    String err = (String) r[2];
    List<String> errors = err.lines().filter(l -> l.startsWith("error: ")).toList();
    assertEquals(2, r[0], what + ": " + err);
    assertEquals(1, errors.size(), what + ": " + err);
    return errors.get(0);
  }
}
