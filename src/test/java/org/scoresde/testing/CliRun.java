package org.scoresde.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
}
