package org.scoresde.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scoresde.config.UserError;

/** {@link RunLock} on the local filesystem: one holder, heartbeat, release, and take-over of dead or silent owners. */
class RunLockTest {
  @TempDir java.nio.file.Path tmp;

  private FileSystem fs() throws Exception {
    return FileSystem.getLocal(new Configuration());
  }

  @Test
  void aSecondWriterIsRefusedUntilTheFirstReleases() throws Exception {
    Path run = new Path(tmp.resolve("run").toUri());
    Files.createDirectories(tmp.resolve("run"));
    try (RunLock first = RunLock.acquire(fs(), run, "train", RunLock.STALE)) {
      UserError e = assertThrows(UserError.class, () -> RunLock.acquire(fs(), run, "train", RunLock.STALE));
      assertTrue(e.getMessage().startsWith("run " + run + " is in use by train (process " + ProcessHandle.current().pid()), e.getMessage());
      assertThrows(UserError.class, () -> RunLock.requireFree(fs(), run, RunLock.STALE));
    }
    assertFalse(Files.exists(tmp.resolve("run/_LOCK")));
    RunLock.requireFree(fs(), run, RunLock.STALE);
    RunLock.acquire(fs(), run, "train", RunLock.STALE).close();
  }

  @Test
  void theHolderBeatsWhileItWorks() throws Exception {
    Path run = new Path(tmp.toUri());
    java.nio.file.Path file = tmp.resolve("_LOCK");
    try (RunLock lock = RunLock.acquire(fs(), run, "train", Duration.ofMillis(800))) {
      Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
      Thread.sleep(500);
      long age = System.currentTimeMillis() - Files.getLastModifiedTime(file).toMillis();
      assertTrue(age < 2_000, "heartbeat did not refresh the lock: " + age + " ms old");
    }
  }

  @Test
  void aLockOfADeadProcessOnThisHostIsTakenOverAtOnce() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    Files.writeString(tmp.resolve("_LOCK"),
        "{\"host\":\"" + InetAddress.getLocalHost().getHostName() + "\",\"pid\":" + p.pid() + ",\"command\":\"train\"}\n");
    RunLock.acquire(fs(), new Path(tmp.toUri()), "train", RunLock.STALE).close();
    assertFalse(Files.exists(tmp.resolve("_LOCK")));
  }

  @Test
  void aLockFromAnotherHostHoldsUntilItsHeartbeatGoesStale() throws Exception {
    java.nio.file.Path file = tmp.resolve("_LOCK");
    Files.writeString(file, "{\"host\":\"elsewhere.example\",\"pid\":1,\"command\":\"train\"}\n");
    Path run = new Path(tmp.toUri());
    UserError e = assertThrows(UserError.class, () -> RunLock.acquire(fs(), run, "train", RunLock.STALE));
    assertTrue(e.getMessage().contains("train (process 1 on elsewhere.example, last heartbeat "), e.getMessage());
    Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() - RunLock.STALE.toMillis() - 1_000));
    try (RunLock lock = RunLock.acquire(fs(), run, "train", RunLock.STALE)) {
      assertTrue(Files.readString(file).contains("\"pid\":" + ProcessHandle.current().pid()));
    }
    // a lock file cut short by a dying owner is judged by its age alone
    Files.writeString(file, "{\"host\":\"elsew");
    Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() - RunLock.STALE.toMillis() - 1_000));
    RunLock.acquire(fs(), run, "train", RunLock.STALE).close();
    assertEquals(false, Files.exists(file));
  }
}
