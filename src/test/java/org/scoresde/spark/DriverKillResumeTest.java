package org.scoresde.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.scoresde.cli.Main;
import org.scoresde.model.HadoopModelFiles;
import org.scoresde.testing.StopsSpark;
import org.scoresde.testing.ToyMixture;

/**
 * The driver of a training run dies (SIGKILL of its JVM) after its first checkpoint, at the moment
 * it starts writing the next one; {@code train --resume} then finishes the run from whatever the kill
 * left behind, and the final weights equal those of an uninterrupted run with the same seed.
 */
@ExtendWith(StopsSpark.class)
class DriverKillResumeTest {
  private static final String[] OPENS = {
    "java.lang", "java.lang.invoke", "java.lang.reflect", "java.io", "java.net", "java.nio", "java.util",
    "java.util.concurrent", "java.util.concurrent.atomic", "sun.nio.ch", "sun.nio.cs", "sun.security.action",
    "sun.util.calendar"
  };
  static final String[] SMALL = {"--master", "local[2]", "--set", "train.batch-size=32", "--set",
      "train.averaging-frequency=2", "--set", "train.workers=2", "--set", "train.warmup=10", "--set",
      "train.learning-rate=3e-3", "--set", "train.checkpoint-every=2", "--set", "net.base-channels=64", "--set",
      "net.residual-blocks=2", "--epochs", "2"};

  @TempDir Path dir;

  @Test
  void resumeAfterTheDriverWasKilledReachesTheUninterruptedWeights() throws Exception {
    String shards = ToyMixture.draw(3, 2, 2, 1024, 3L).shard(dir, "toy", "local[2]", dir.resolve("shards").toString(), 2);

    Path killed = dir.resolve("killed");
    Path log = dir.resolve("driver.log");
    Process driver = startDriver(train(shards, killed), log);
    String left;
    try {
      Path checkpoints = killed.resolve("checkpoints");
      awaitOrFail(driver, log, () -> Files.isDirectory(checkpoints.resolve("round-00000002")), 240,
          "the first checkpoint");
      // strike when the next checkpoint is being written, so the kill is likely to leave it half done
      awaitOrFail(driver, log, () -> listing(checkpoints).stream().anyMatch(n -> !n.equals("round-00000002")), 120,
          "the second checkpoint");
      driver.destroyForcibly();
      assertTrue(driver.waitFor(60, TimeUnit.SECONDS), "the driver JVM did not die");
      left = listing(checkpoints).toString();
    } finally {
      destroy(driver);
    }
    assertFalse(Files.exists(killed.resolve("model.zip")), "the run finished before it was killed:\n" + tail(log));
    assertFalse(Files.exists(killed.resolve("_SUCCESS")));
    System.err.println("after the kill, checkpoints/ held " + left);

    assertEquals(0, Main.execute(with(train(shards, killed), "--resume")), "resume failed; the kill left " + left);
    Path whole = dir.resolve("whole");
    assertEquals(0, Main.execute(train(shards, whole)));

    assertTrue(Files.exists(killed.resolve("_SUCCESS")));
    INDArray a = weights(whole);
    INDArray b = weights(killed);
    double diff = a.sub(b).norm2Number().doubleValue() / a.norm2Number().doubleValue();
    assertTrue(diff < 1e-5, "weights after kill and resume differ from the uninterrupted run by " + diff + " (kill left " + left + ")");
    List<String> resumed = Files.readAllLines(killed.resolve("metrics.jsonl"));
    List<String> uninterrupted = Files.readAllLines(whole.resolve("metrics.jsonl"));
    assertEquals(uninterrupted.size(), resumed.size(), "rounds in metrics.jsonl");
    for (int i = 0; i < resumed.size(); i++) {
      assertTrue(resumed.get(i).contains("\"round_index\":" + (i + 1) + ","), "line " + i + ": " + resumed.get(i));
    }
  }

  private static String[] train(String shards, Path out) {
    return with(new String[] {"train", "--data", shards, "--out", out.toString()}, SMALL);
  }

  private static String[] with(String[] a, String... b) {
    String[] out = new String[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** {@code java -cp <this test's classpath> org.scoresde.cli.Main ARGS}, as the launcher would run it. */
  private Process startDriver(String[] args, Path log) throws IOException {
    Path tmp = Files.createDirectories(dir.resolve("driver-tmp"));
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String p : OPENS) {
      cmd.add("--add-opens=java.base/" + p + "=ALL-UNNAMED");
    }
    cmd.add("-Xmx1g");
    cmd.add("-Djava.io.tmpdir=" + tmp);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("OMP_NUM_THREADS", "1");
    return pb.start();
  }

  private static void awaitOrFail(Process p, Path log, java.util.function.BooleanSupplier cond, int seconds, String what)
      throws Exception {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    while (!cond.getAsBoolean()) {
      if (!p.isAlive()) {
        throw new AssertionError("the driver exited (" + p.exitValue() + ") before " + what + " appeared:\n" + tail(log));
      }
      if (System.nanoTime() > end) {
        throw new AssertionError("no " + what + " after " + seconds + " s:\n" + tail(log));
      }
      Thread.sleep(2);
    }
  }

  private static List<String> listing(Path d) {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".crc")).sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static void destroy(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  private static String tail(Path log) {
    try {
      List<String> l = Files.readAllLines(log);
      return String.join("\n", l.subList(Math.max(0, l.size() - 30), l.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static INDArray weights(Path run) throws IOException {
    var fs = org.apache.hadoop.fs.FileSystem.getLocal(new Configuration());
    return HadoopModelFiles.open(HadoopModelFiles.read(fs, new org.apache.hadoop.fs.Path(run.resolve("model.zip").toString())),
        run.getFileName().toString()).graph().params();
  }
}
