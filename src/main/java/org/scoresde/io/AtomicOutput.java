package org.scoresde.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.scoresde.config.UserError;

/**
 * An output directory on any Hadoop filesystem that appears only when complete: the job writes into
 * a hidden temporary sibling, then {@link #commit()} writes {@code _SUCCESS} and renames it into
 * place. Refuses a target that overlaps an input, and an existing one unless overwriting a directory
 * this project wrote ({@link OutputGuard}); {@link #abort()} removes the temporary.
 */
public final class AtomicOutput implements AutoCloseable {
  public static final String SUCCESS = "_SUCCESS";
  private final FileSystem fs;
  private final Path target;
  private final Path temporary;
  private final boolean overwrite;
  private boolean committed;

  private AtomicOutput(FileSystem fs, Path target, Path temporary, boolean overwrite) {
    this.fs = fs;
    this.target = target;
    this.temporary = temporary;
    this.overwrite = overwrite;
  }

  /**
   * Prepares {@code command} to write {@code dir}: checks that it is apart from {@code inputs}, that
   * it does not exist (or that overwriting is allowed and it is this project's) and that its parent
   * is writable, and creates the marked temporary directory.
   */
  public static AtomicOutput begin(String dir, boolean overwrite, Configuration conf, String command, List<InputPath> inputs) {
    Path target = new Path(dir);
    try {
      FileSystem fs = target.getFileSystem(conf);
      target = fs.makeQualified(target);
      OutputGuard.refuseOverlap(target, dir, inputs, conf);
      if (fs.exists(target)) {
        if (!overwrite) {
          throw new UserError("output " + dir + " already exists; choose another path or pass --overwrite");
        }
        OutputGuard.requireReplaceable(fs, target, dir);
      }
      Path parent = target.getParent();
      Path tmp = new Path(parent, "." + target.getName() + ".tmp-" + Long.toHexString(System.nanoTime()));
      try {
        if (!fs.mkdirs(tmp)) {
          throw new UserError("cannot create output under " + parent + ": mkdirs failed");
        }
        OutputGuard.mark(fs, tmp, command);
      } catch (IOException e) {
        throw new UserError("cannot write output under " + parent + ": " + e.getMessage());
      }
      return new AtomicOutput(fs, target, tmp, overwrite);
    } catch (IOException e) {
      throw new UserError("cannot open output " + dir + ": " + e.getMessage());
    }
  }

  /** The directory to write into until {@link #commit()}. */
  public Path temporary() {
    return temporary;
  }

  public Path target() {
    return target;
  }

  public FileSystem fileSystem() {
    return fs;
  }

  /** Marks the temporary complete and moves it to the target, replacing an old one if allowed. */
  public void commit() {
    try {
      fs.create(new Path(temporary, SUCCESS), true).close();
      if (fs.exists(target)) {
        if (!overwrite) {
          throw new UserError("output " + target + " appeared while the job ran; not overwriting it");
        }
        OutputGuard.requireReplaceable(fs, target, target.toString());
        fs.delete(target, true);
      }
      if (!fs.rename(temporary, target)) {
        throw new IOException("rename " + temporary + " -> " + target + " failed");
      }
      committed = true;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes the temporary directory (after a failure); the target is left as it was. */
  public void abort() {
    if (committed) {
      return;
    }
    try {
      fs.delete(temporary, true);
    } catch (IOException ignored) {
      // best effort: the temporary is hidden and named so a later run never reads it
    }
  }

  /** Aborts unless committed, so try-with-resources leaves nothing half-written. */
  @Override
  public void close() {
    abort();
  }
}
