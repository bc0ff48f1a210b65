package org.scoresde.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.scoresde.data.TestFiles;
import org.scoresde.testing.FullDiskFileSystem;
import org.scoresde.testing.StopsSpark;
import org.scoresde.testing.ToyMixture;
import org.scoresde.testing.TrainRuns;

/**
 * Every bad input and fault of the reliability list that a test can stage, run as a user runs it:
 * a separate JVM with the launcher's logging (conf/log4j2.properties) and log file. Each must exit
 * non-zero with exactly one {@code error:} line on stderr holding the expected words, print no stack
 * trace, and leave every file of the fixture (inputs, earlier runs, foreign folders) byte-identical
 * and nothing new beside them. The full disk is {@link FullDiskFileSystem}, a Hadoop filesystem that
 * fails writes as a full local disk does.
 */
@ExtendWith(StopsSpark.class)
class BadInputTableTest {
  @TempDir static Path root;
  @TempDir static Path logs;
  static String data;
  static String run;
  static String mixture;

  @BeforeAll
  static void fixtures() throws Exception {
    ToyMixture toy = ToyMixture.draw(2, 2, 5L, 256, 6L);
    Files.createDirectories(root.resolve("project"));
    data = toy.shard(root, "toy", "local[2]", root.resolve("project/shards").toString(), 2);
    mixture = toy.writeModel(root.resolve("project/mix.json"));
    run = root.resolve("run").toString();
    assertEquals(0, TrainRuns.train(new String[] {"--master", "local[2]", "--set", "train.batch-size=32", "--set", "net.base-channels=16",
        "--set", "net.residual-blocks=1", "--set", "train.probe-examples=0"}, "--data", data, "--out", run, "--epochs", "1"));
    Path truncated = Files.createDirectories(root.resolve("truncated"));
    try (Stream<Path> files = Files.list(Path.of(data))) {
      for (Path f : files.toList()) {
        if (f.getFileName().toString().endsWith(".crc")) {
          continue;
        }
        byte[] b = Files.readAllBytes(f);
        Files.write(truncated.resolve(f.getFileName()), f.getFileName().toString().equals("part-00001.parquet")
            ? TestFiles.truncate(b, b.length / 2) : b);
      }
    }
    copy(Path.of(run), root.resolve("locked"));
    Files.writeString(root.resolve("locked/_LOCK"), "{\"host\":\"elsewhere.example\",\"pid\":1,\"command\":\"train\"}\n");
    Files.setLastModifiedTime(root.resolve("locked/_LOCK"), java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 3_600_000));
    copy(Path.of(run), root.resolve("damaged"));
    try (Stream<Path> all = Files.walk(root.resolve("damaged/checkpoints"))) {
      for (Path f : all.filter(f -> f.getFileName().toString().equals("network.zip")).toList()) {
        byte[] b = Files.readAllBytes(f);
        b[b.length / 2] ^= 0x5a;
        Files.write(f, b);
      }
    }
    TestFiles.put(root.resolve("victim/data_batch_1.bin"), TestFiles.cifarBatch(0, 4));
    Files.writeString(root.resolve("victim/notes.txt"), "mine");
    Files.createDirectories(root.resolve("foreign"));
    Files.writeString(root.resolve("foreign/thesis.tex"), "years of work");
    Files.writeString(root.resolve("bad-mix.json"), "{\"weights\": [1.0], \"means\": [[0,0]],\n \"covariances\": [[[1,0],[0,1]");
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path f : all.toList()) {
        Path t = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(t);
        } else {
          Files.copy(f, t);
        }
      }
    }
  }

  record Case(String name, List<String> args, String expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Case> cases() {
    String r = root.toString();
    String victim = r + "/victim";
    String hdfs = "hdfs://nohost.invalid:9";
    List<Case> c = new ArrayList<>();
    c.add(new Case("shard --overwrite onto the folder holding its input",
        List.of("shard", "--format", "cifar10", "--input", victim + "/data_batch_1.bin", "--output", victim, "--overwrite"),
        "contains the input --input"));
    c.add(new Case("shard into its input folder",
        List.of("shard", "--format", "cifar10", "--input", victim, "--output", victim + "/shards"), "lies inside the input --input"));
    c.add(new Case("shard --overwrite onto a folder score-sde did not write",
        List.of("shard", "--format", "cifar10", "--input", victim + "/data_batch_1.bin", "--output", r + "/foreign", "--overwrite"),
        "has no _SCORE_SDE marker"));
    c.add(new Case("shard --overwrite onto a file",
        List.of("shard", "--format", "cifar10", "--input", victim + "/data_batch_1.bin", "--output", victim + "/notes.txt",
            "--overwrite"), "is an existing file that score-sde did not write"));
    c.add(new Case("shard --shards -1",
        List.of("shard", "--format", "cifar10", "--input", victim + "/data_batch_1.bin", "--output", r + "/o1", "--shards", "-1"),
        "--shards must be 0"));
    c.add(new Case("shard to an unknown HDFS host",
        List.of("shard", "--format", "cifar10", "--input", victim + "/data_batch_1.bin", "--output", hdfs + "/x"),
        "unknown host 'nohost.invalid'"));
    c.add(new Case("evaluate --overwrite onto the folder holding its model",
        List.of("evaluate", "--model", mixture, "--sde", "vp", "--data", data, "--out", r + "/project", "--overwrite"),
        "contains the input --model"));
    c.add(new Case("evaluate --overwrite onto the training run of its model",
        List.of("evaluate", "--model", run + "/model.zip", "--data", data, "--out", run, "--overwrite"), "contains the input --model"));
    c.add(new Case("evaluate a malformed mixture file",
        List.of("evaluate", "--model", "gmm:" + r + "/bad-mix.json", "--sde", "vp", "--data", data, "--out", r + "/o2"),
        "Gaussian mixture JSON is malformed: Unexpected end-of-input"));
    c.add(new Case("evaluate data on an unknown HDFS host",
        List.of("evaluate", "--model", mixture, "--sde", "vp", "--data", hdfs + "/d", "--out", r + "/o3"), "unknown host 'nohost.invalid'"));
    c.add(new Case("evaluate a truncated shard",
        List.of("evaluate", "--model", mixture, "--sde", "vp", "--data", r + "/truncated", "--out", r + "/o4"),
        "shard part-00001.parquet is"));
    c.add(new Case("train --set train.batch-size=0",
        List.of("train", "--data", data, "--out", r + "/o5", "--set", "train.batch-size=0"), "train.batch-size = 0 is out of range"));
    c.add(new Case("train --set train.batch-size=abc",
        List.of("train", "--data", data, "--out", r + "/o6", "--set", "train.batch-size=abc"), "train.batch-size = abc is not a number"));
    c.add(new Case("train --set train.checkpoint-keep=0",
        List.of("train", "--data", data, "--out", r + "/o7", "--set", "train.checkpoint-keep=0"), "train.checkpoint-keep = 0"));
    c.add(new Case("train on a truncated shard", List.of("train", "--data", r + "/truncated", "--out", r + "/o8"),
        "but its manifest says"));
    c.add(new Case("train --overwrite onto the folder holding its data",
        List.of("train", "--data", data, "--out", r + "/project", "--overwrite"), "contains the input --data"));
    c.add(new Case("train --resume changing the network",
        List.of("train", "--data", data, "--out", run, "--resume", "--epochs", "2", "--set", "train.batch-size=32",
            "--set", "net.base-channels=8", "--set", "net.residual-blocks=1", "--set", "train.probe-examples=0"),
        "--resume cannot change net.base-channels 16 -> 8"));
    String[] small = {"--set", "train.batch-size=32", "--set", "net.base-channels=16", "--set", "net.residual-blocks=1",
        "--set", "train.probe-examples=0"};
    c.add(new Case("train --resume of a run another host is training",
        concat(List.of("train", "--data", data, "--out", r + "/locked", "--resume", "--epochs", "2"), small),
        "is in use by train (process 1 on elsewhere.example"));
    c.add(new Case("train --overwrite of a run another host is training",
        concat(List.of("train", "--data", data, "--out", r + "/locked", "--overwrite", "--epochs", "1"), small),
        "it cannot be replaced while it runs"));
    c.add(new Case("train --resume when every checkpoint is damaged",
        concat(List.of("train", "--data", data, "--out", r + "/damaged", "--resume", "--epochs", "2"), small),
        "no intact checkpoint in"));
    c.add(new Case("train whose loss overflows in its first round",
        List.of("train", "--data", data, "--out", r + "/o13", "--set", "train.learning-rate=1e30", "--set", "train.warmup=0"),
        "no checkpoint was written yet, so the run is removed"));
    c.add(new Case("train that diverges",
        List.of("train", "--data", data, "--out", r + "/o14", "--epochs", "3", "--set", "train.learning-rate=1e9",
        "--set", "train.warmup=10"), "training diverged"));
    c.add(new Case("train --resume --overwrite", List.of("train", "--data", data, "--out", run, "--resume", "--overwrite"),
        "contradict each other"));
    c.add(new Case("shard onto a full disk",
        List.of("shard", "--format", "cifar10", "--input", victim + "/data_batch_1.bin", "--output",
            FullDiskFileSystem.on(root.resolve("o9"))), "the disk is full or failing"));
    c.add(new Case("sample onto a full disk",
        List.of("sample", "--model", mixture, "--sde", "vp", "--out", FullDiskFileSystem.on(root.resolve("o10"))),
        "the disk is full or failing"));
    c.add(new Case("train onto a full disk",
        List.of("train", "--data", data, "--out", FullDiskFileSystem.on(root.resolve("o11")), "--epochs", "1"),
        "the disk is full or failing"));
    c.add(new Case("report onto a full disk",
        List.of("report", "--run", run, "--out", FullDiskFileSystem.on(root.resolve("o12/report"))), "the disk is full or failing"));
    c.add(new Case("sample --overwrite onto a folder score-sde did not write",
        List.of("sample", "--model", mixture, "--sde", "vp", "--out", r + "/foreign", "--overwrite"), "has no _SCORE_SDE marker"));
    return c;
  }

  private static List<String> concat(List<String> a, String[] b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(List.of(b));
    return all;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void oneErrorLineAndNothingTouched(Case c) throws Exception {
    Map<String, String> before = tree(root);
    Path log = logs.resolve(c.name().replaceAll("\\W+", "-") + ".log");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream().filter(a -> a.startsWith("--add-opens")).forEach(cmd::add);
    cmd.addAll(List.of("-Xmx1g", "-cp", System.getProperty("java.class.path"),
        "-Dlog4j2.configurationFile=" + Path.of("conf/log4j2.properties").toAbsolutePath(), "-Dscore.sde.log=" + log,
        "org.scoresde.cli.Main"));
    cmd.addAll(c.args());
    if (!c.args().get(0).equals("report")) {
      cmd.addAll(List.of("--master", "local[2]"));
    }
    Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(3, TimeUnit.MINUTES), c + ": still running");
    assertNotEquals(0, p.exitValue(), c + ": exit 0\n" + err);
    List<String> errors = err.lines().filter(l -> l.startsWith("error:")).toList();
    assertEquals(1, errors.size(), c + ": " + err);
    assertTrue(errors.get(0).contains(c.expected()), c + ": '" + c.expected() + "' missing from " + errors.get(0));
    assertTrue(err.lines().noneMatch(l -> l.matches("\\s+at .*") || l.contains("Exception in thread")), c + ": stack trace\n" + err);
    assertEquals(before, tree(root), c + ": the fixture changed");
  }

  /** Every file and folder under {@code dir}: its relative path and the SHA-256 of its bytes ("dir" for folders). */
  private static Map<String, String> tree(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path f : all.toList()) {
        out.put(dir.relativize(f).toString(), Files.isDirectory(f) ? "dir" : sha256(Files.readAllBytes(f)));
      }
    }
    return out;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
