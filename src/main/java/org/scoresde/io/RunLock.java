package org.scoresde.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.scoresde.config.UserError;

/**
 * One writer per run directory: a {@code _LOCK} file created atomically on the run's filesystem,
 * naming its owner (host, process, command), its modification time refreshed as a heartbeat while
 * the owner works, and deleted on release. A lock whose owner is a dead process on this host, or
 * whose heartbeat is older than the stale time, is taken over with a warning.
 */
public final class RunLock implements AutoCloseable {
  public static final String FILE = "_LOCK";
  /** A lock not refreshed for this long belongs to an owner that died on another host; it beats eight times as often. */
  public static final Duration STALE = Duration.ofMinutes(2);

  private final FileSystem fs;
  private final Path lock;
  private final ScheduledExecutorService heartbeat;

  private RunLock(FileSystem fs, Path lock, ScheduledExecutorService heartbeat) {
    this.fs = fs;
    this.lock = lock;
    this.heartbeat = heartbeat;
  }

  /** Takes the lock of {@code dir} for {@code command}, or refuses with one error naming the owner. */
  public static RunLock acquire(FileSystem fs, Path dir, String command, Duration stale) throws IOException {
    Path lock = fs.makeQualified(new Path(dir, FILE));
    byte[] owner = owner(command);
    if (!create(fs, lock, owner)) {
      Holder holder = holder(fs, lock);
      if (holder == null) {
        // released between our attempt and our look
      } else if (holder.alive(stale)) {
        throw new UserError("run " + dir + " is in use by " + holder.describe() + "; wait for it to finish, or if it died,"
            + " retry after " + stale.toSeconds() + " s without a heartbeat (or delete " + lock + ")");
      } else {
        System.err.println("warning: taking over the lock of run " + dir + " from " + holder.describe() + ", which is gone");
        fs.delete(lock, false);
      }
      if (!create(fs, lock, owner)) {
        throw new UserError("run " + dir + " was locked by another process just now; only one may write it");
      }
    }
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "scoresde-run-lock");
      t.setDaemon(true);
      return t;
    });
    long ms = Math.max(1, stale.toMillis() / 8);
    timer.scheduleWithFixedDelay(() -> {
      try {
        fs.setTimes(lock, System.currentTimeMillis(), -1);
      } catch (IOException ignored) {
        // a missed beat only brings the stale time nearer; the next one may succeed
      }
    }, ms, ms, TimeUnit.MILLISECONDS);
    return new RunLock(fs, lock, timer);
  }

  /** Refuses when a live owner holds the lock of {@code dir} (before replacing the directory). */
  public static void requireFree(FileSystem fs, Path dir, Duration stale) throws IOException {
    Holder holder = holder(fs, fs.makeQualified(new Path(dir, FILE)));
    if (holder != null && holder.alive(stale)) {
      throw new UserError("run " + dir + " is in use by " + holder.describe() + "; it cannot be replaced while it runs");
    }
  }

  /** Stops the heartbeat and deletes the lock. */
  @Override
  public void close() {
    heartbeat.shutdownNow();
    try {
      fs.delete(lock, false);
    } catch (IOException ignored) {
      // a lock left behind goes stale; nothing else depends on it
    }
  }

  /** Creates the lock only if absent: an exclusive create on the local disk, Hadoop's create without overwrite elsewhere. */
  private static boolean create(FileSystem fs, Path lock, byte[] owner) throws IOException {
    if ("file".equals(lock.toUri().getScheme())) {
      try (OutputStream o = Files.newOutputStream(Paths.get(lock.toUri()), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        o.write(owner);
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      }
    }
    try (OutputStream o = fs.create(lock, false)) {
      o.write(owner);
      return true;
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      return false;
    }
  }

  private static byte[] owner(String command) {
    ObjectNode o = new ObjectMapper().createObjectNode();
    o.put("host", host());
    o.put("pid", ProcessHandle.current().pid());
    o.put("command", command);
    o.put("started", System.currentTimeMillis());
    return (o.toString() + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static Holder holder(FileSystem fs, Path lock) throws IOException {
    FileStatus status;
    JsonNode json;
    try {
      status = fs.getFileStatus(lock);
      try (InputStream in = fs.open(lock)) {
        json = new ObjectMapper().readTree(in);
      }
    } catch (FileNotFoundException e) {
      return null;
    } catch (IOException e) {
      json = null; // a lock half written by a dying owner: judged by its age alone
      status = fs.getFileStatus(lock);
    }
    return new Holder(json == null ? "" : json.path("host").asText(""), json == null ? -1 : json.path("pid").asLong(-1),
        json == null ? "?" : json.path("command").asText("?"), status.getModificationTime());
  }

  /** Who holds a lock and when it last beat. */
  private record Holder(String host, long pid, String command, long beat) {
    boolean alive(Duration stale) {
      if (host.equals(host()) && pid > 0 && !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
        return false;
      }
      return System.currentTimeMillis() - beat < stale.toMillis();
    }

    String describe() {
      long ago = Math.max(0, (System.currentTimeMillis() - beat) / 1000);
      return command + " (process " + pid + " on " + (host.isEmpty() ? "an unknown host" : host) + ", last heartbeat " + ago + " s ago)";
    }
  }
}
