package org.scoresde.cli;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FSError;

/**
 * Failures of the environment rather than of the program (an unknown host in a URI, an unreachable
 * NameNode, a full or failing disk, a file whose checksum fails), told as one line that names the
 * cause, found anywhere in a cause chain however deep Spark or Hadoop wrapped it.
 */
public final class KnownFailures {
  private KnownFailures() {}

  /** A failure told in one line, with whether it is bad input (exit 2) or a failure of the system (exit 1). */
  public record Told(String message, boolean badInput) {}

  private static final String NO_SPACE = "No space left on device";
  private static final Pattern READING = Pattern.compile("while reading file (\\S+?)\\.?(\\s|$)");

  public static Optional<Told> tell(Throwable failure) {
    for (Throwable c = failure; c != null; c = c.getCause()) {
      Matcher reading = READING.matcher(String.valueOf(c.getMessage()));
      if (reading.find()) {
        Throwable root = c;
        while (root.getCause() != null) {
          root = root.getCause();
        }
        return Optional.of(new Told("cannot read " + reading.group(1) + ": the file is damaged or not what its name says ("
            + root.getClass().getSimpleName() + ": " + firstLine(root.getMessage()) + ")", true));
      }
      if (c instanceof UnknownHostException) {
        String host = firstLine(c.getMessage()).split(": ", 2)[0];
        return Optional.of(new Told("unknown host '" + host + "': check the host name of the hdfs:// or other URI given",
            true));
      }
      if (c instanceof ConnectException) {
        return Optional.of(new Told("cannot connect: " + firstLine(c.getMessage())
            + " (is the filesystem's server, such as the HDFS NameNode, running at that address?)", true));
      }
      if (c instanceof ChecksumException) {
        return Optional.of(new Told("a file is damaged: " + firstLine(c.getMessage()), true));
      }
      if (c instanceof FSError || (c.getMessage() != null && c.getMessage().contains(NO_SPACE))) {
        String what = String.valueOf(c.getMessage()).contains(NO_SPACE) ? NO_SPACE : firstLine(c.getMessage());
        return Optional.of(new Told("the disk is full or failing (" + what + ")"
            + "; free space or choose an output on another filesystem", false));
      }
    }
    return Optional.empty();
  }

  /** The first line of an exception's message, or "" for none. */
  static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int end = message.indexOf('\n');
    return end < 0 ? message : message.substring(0, end);
  }
}
