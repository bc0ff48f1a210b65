package org.scoresde.io;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.scoresde.config.UserError;

/**
 * What an output may be: never one of the command's inputs, nor a directory that holds or lies inside
 * one; and an existing output is replaced (with {@code --overwrite}) only when its marker file shows
 * that this project wrote it. Every output directory gets that marker when it is created.
 */
public final class OutputGuard {
  /** The marker file in every output directory this project writes; Spark and Hadoop skip names starting with '_'. */
  public static final String MARKER = "_SCORE_SDE";
  private static final Pattern COMMAND = Pattern.compile("\"command\": \"([a-z-]+)\"");

  private OutputGuard() {}

  /** Refuses {@code target} (qualified) if it is, contains or lies inside any of {@code inputs}. */
  public static void refuseOverlap(Path target, String shown, List<InputPath> inputs, Configuration conf) {
    for (InputPath input : inputs) {
      Path in;
      try {
        in = qualified(new Path(beforeGlob(input.path())), conf);
      } catch (IOException | IllegalArgumentException e) {
        continue; // an input that cannot be resolved is reported by the job that reads it
      }
      if (!sameFileSystem(target.toUri(), in.toUri())) {
        continue;
      }
      String t = withSlash(target.toUri().getPath());
      String i = withSlash(in.toUri().getPath());
      if (t.equals(i)) {
        throw new UserError("output " + shown + " is the input " + input.option() + " " + input.path()
            + ": choose an output path apart from the inputs");
      }
      if (i.startsWith(t)) {
        throw new UserError("output " + shown + " contains the input " + input.option() + " " + input.path()
            + ": choose an output path apart from the inputs");
      }
      if (t.startsWith(i)) {
        throw new UserError("output " + shown + " lies inside the input " + input.option() + " " + input.path()
            + ": choose an output path apart from the inputs");
      }
    }
  }

  /**
   * Refuses to replace {@code target} unless it is a directory holding {@link #MARKER}: --overwrite
   * removes only what this project wrote.
   */
  public static void requireReplaceable(FileSystem fs, Path target, String shown) throws IOException {
    FileStatus status;
    try {
      status = fs.getFileStatus(target);
    } catch (FileNotFoundException e) {
      return;
    }
    if (!status.isDirectory()) {
      throw new UserError("output " + shown + " is an existing file that score-sde did not write; --overwrite replaces only"
          + " score-sde outputs: remove it yourself or choose another path");
    }
    if (!fs.exists(new Path(target, MARKER))) {
      throw new UserError("output " + shown + " exists and has no " + MARKER + " marker, so score-sde did not write it;"
          + " --overwrite replaces only score-sde outputs: remove it yourself or choose another path");
    }
  }

  /** The command named by the marker in {@code dir}, or empty when it has none (or is not a directory). */
  public static Optional<String> owner(FileSystem fs, Path dir) throws IOException {
    Path marker = new Path(dir, MARKER);
    if (!fs.exists(marker)) {
      return Optional.empty();
    }
    try (InputStream in = fs.open(marker)) {
      Matcher m = COMMAND.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
  }

  /** Writes the marker into {@code dir}, naming the command that owns it. */
  public static void mark(FileSystem fs, Path dir, String command) throws IOException {
    try (OutputStream o = fs.create(new Path(dir, MARKER), true)) {
      o.write(("{\"written_by\": \"score-sde\", \"command\": \"" + command + "\"}\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  private static Path qualified(Path p, Configuration conf) throws IOException {
    return p.getFileSystem(conf).makeQualified(p);
  }

  /** A glob's fixed leading directories ({@code dir/*.png} reads inside {@code dir}). */
  private static String beforeGlob(String path) {
    int glob = -1;
    for (int i = 0; i < path.length() && glob < 0; i++) {
      if ("*?[{".indexOf(path.charAt(i)) >= 0) {
        glob = i;
      }
    }
    if (glob < 0) {
      return path;
    }
    int slash = path.lastIndexOf('/', glob);
    return slash <= 0 ? "/" : path.substring(0, slash);
  }

  private static boolean sameFileSystem(URI a, URI b) {
    return Objects.equals(a.getScheme(), b.getScheme()) && Objects.equals(a.getAuthority(), b.getAuthority());
  }

  private static String withSlash(String path) {
    return path.endsWith("/") ? path : path + "/";
  }
}
