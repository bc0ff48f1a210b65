package org.scoresde.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scoresde.cli.Main;
import org.scoresde.data.Manifest;
import org.scoresde.data.TestFiles;
import org.scoresde.testing.FashionMnist;

/**
 * {@code score-sde shard} end to end through {@link Main#execute}: each bad input gives exit 2, exactly
 * one {@code error:} line naming the file and the problem, and nothing at the output path.
 */
class ShardCommandTest {
  private static SparkSession spark;
  @TempDir static Path tmp;

  @BeforeAll
  static void start() {
    // the command finds this session and leaves it running
    spark = SparkSessions.create("shard-cli-test", "local[2]");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  record Run(int exit, String out, String err) {
    List<String> errorLines() {
      return Arrays.stream(err.split("\\R")).filter(l -> l.startsWith("error:")).toList();
    }
  }

  static Run cli(String... args) {
    List<String> all = new ArrayList<>(List.of("shard", "--master", "local[2]", "--set", "shard.progress-seconds=0"));
    all.addAll(List.of(args));
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int code = Main.execute(all.toArray(String[]::new));
      return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  /** Exit 2, one error line holding every fragment, and no output directory or temporary left. */
  private static void assertRefused(Run r, Path output, String... fragments) throws Exception {
    assertEquals(2, r.exit(), r.err());
    List<String> errors = r.errorLines();
    assertEquals(1, errors.size(), r.err());
    for (String f : fragments) {
      assertTrue(errors.get(0).contains(f), "'" + f + "' missing from: " + errors.get(0));
    }
    assertTrue(ShardTesting.nothingAt(output), "something was left at " + output);
  }

  @Test
  void helpDescribesTheCommand() {
    Run r = cli("--help");
    assertEquals(0, r.exit());
    for (String option : new String[] {"--format", "--input", "--output", "--shards", "--labels", "--split", "--resize", "--range", "--overwrite", "--seed"}) {
      assertTrue(r.out().contains(option), option + " missing from help:\n" + r.out());
    }
  }

  @Test
  void aWrongMagicNumberIsNamed() throws Exception {
    Path out = tmp.resolve("magic");
    Run r = cli("--format", "idx", "--input", FashionMnist.path("train-labels-idx1-ubyte.gz"), "--output", out.toString());
    assertRefused(r, out, FashionMnist.path("train-labels-idx1-ubyte.gz: wrong magic number 0x00000801, expected 0x00000803"));
  }

  @Test
  void labelsThatDoNotMatchTheImagesAreNamed() throws Exception {
    Path out = tmp.resolve("count");
    Run r = cli("--format", "idx", "--input", FashionMnist.path("train-images-idx3-ubyte.gz"), "--labels", FashionMnist.path("t10k-labels-idx1-ubyte.gz"),
        "--output", out.toString());
    assertRefused(r, out, FashionMnist.path("t10k-labels-idx1-ubyte.gz: holds 10000 labels but"), "holds 60000 images");
  }

  @Test
  void aTruncatedGzipIsFoundByTheReadTasksAndLeavesNothing() throws Exception {
    byte[] gz = TestFiles.gzip(TestFiles.idxImages(3000, 8, 8));
    Path in = TestFiles.put(tmp.resolve("trunc/images.gz"), TestFiles.truncate(gz, 1000));
    Path out = tmp.resolve("trunc-out");
    Run r = cli("--format", "idx", "--input", in.toString(), "--output", out.toString(), "--shards", "2");
    assertRefused(r, out, in + ": truncated or corrupt gzip data");
  }

  @Test
  void aBadRangeIsOneErrorLine() throws Exception {
    Path in = TestFiles.put(tmp.resolve("range/images"), TestFiles.idxImages(30, 8, 8));
    Path out = tmp.resolve("range-out");
    assertRefused(cli("--format", "idx", "--input", in.toString(), "--output", out.toString(), "--range", "20-30"), out,
        "--range: expected FROM:TO (e.g. 55000:60000), got '20-30'");
    assertRefused(cli("--format", "idx", "--input", in.toString(), "--output", out.toString(), "--range", "20:31"), out,
        "--range 20:31 reaches beyond the input's 30 examples (TO is at most 30)");
  }

  @Test
  void aTruncatedPlainIdxIsFoundFromItsLength() throws Exception {
    Path in = TestFiles.put(tmp.resolve("plain/images"), TestFiles.truncate(TestFiles.idxImages(30, 8, 8), 10));
    Path out = tmp.resolve("plain-out");
    assertRefused(cli("--format", "idx", "--input", in.toString(), "--output", out.toString()), out,
        in + ": truncated: 1926 bytes, but its header declares 30 images of 8x8 (1936 bytes)");
  }

  @Test
  void aCorruptCifarBatchIsNamed() throws Exception {
    Path in = TestFiles.put(tmp.resolve("cifar-bad/data_batch_1.bin"), TestFiles.truncate(TestFiles.cifarBatch(0, 4), 1));
    Path out = tmp.resolve("cifar-bad-out");
    assertRefused(cli("--format", "cifar10", "--input", in.getParent().toString(), "--output", out.toString()), out,
        in + ": 12291 bytes is not a whole number of 3073-byte CIFAR-10 records");
  }

  @Test
  void mixedImageSizesWithoutResizeAreRefused() throws Exception {
    Path in = tmp.resolve("mixed");
    TestFiles.write(TestFiles.grey(0, 8, 8), "png", in.resolve("a.png"));
    TestFiles.write(TestFiles.grey(1, 9, 8), "png", in.resolve("b.png"));
    Path out = tmp.resolve("mixed-out");
    assertRefused(cli("--format", "images", "--input", in.toString(), "--output", out.toString()), out,
        in.resolve("b.png") + ": is 9x8 (HxW) but", "mixed image sizes; pass --resize HxW");
    Run ok = cli("--format", "images", "--input", in.toString(), "--output", out.toString(), "--resize", "4x4", "--shards", "2");
    assertEquals(0, ok.exit(), ok.err());
    assertTrue(ok.out().startsWith("shard: 2 examples of 4x4x1 uint8 (images) -> 2 shards of 1 rows at " + out), ok.out());
  }

  @Test
  void aNonImageFileInTheFolderIsNamed() throws Exception {
    Path in = tmp.resolve("nonimage");
    TestFiles.write(TestFiles.grey(0, 8, 8), "png", in.resolve("shirt/a.png"));
    Files.writeString(in.resolve("shirt/notes.txt"), "hello");
    Path out = tmp.resolve("nonimage-out");
    assertRefused(cli("--format", "images", "--input", in.toString(), "--output", out.toString()), out,
        in.resolve("shirt/notes.txt") + ": not a PNG or JPEG image");
  }

  @Test
  void aCorruptImageFoundWhileDecodingLeavesNothing() throws Exception {
    Path in = tmp.resolve("corrupt-png");
    for (int i = 0; i < 4; i++) {
      TestFiles.write(TestFiles.rgb(i, 16, 16), "png", in.resolve("x" + i + ".png"));
    }
    Path bad = in.resolve("x2.png");
    byte[] b = Files.readAllBytes(bad);
    Files.write(bad, TestFiles.truncate(b, b.length / 3));
    Path out = tmp.resolve("corrupt-png-out");
    assertRefused(cli("--format", "images", "--input", in.toString(), "--output", out.toString(), "--shards", "2"), out,
        bad + ": corrupt or truncated image");
  }

  @Test
  void emptyInputsAreRefused() throws Exception {
    Path folder = Files.createDirectories(tmp.resolve("empty-folder"));
    Path out = tmp.resolve("empty-out");
    assertRefused(cli("--format", "images", "--input", folder.toString(), "--output", out.toString()), out,
        folder + ": holds no files (empty input)");
    Path csv = Files.writeString(tmp.resolve("empty.csv"), "");
    assertRefused(cli("--format", "csv", "--input", csv.toString(), "--output", out.toString()), out,
        csv + ": holds no data rows (empty input)");
  }

  @Test
  void aBadCsvValueIsNamedWithItsLine() throws Exception {
    Path csv = Files.writeString(tmp.resolve("bad.csv"), "0.5,1\n2,x\n");
    Path out = tmp.resolve("bad-csv-out");
    assertRefused(cli("--format", "csv", "--input", csv.toString(), "--output", out.toString()), out,
        csv + ": line 2: 'x' in column 2 is not a number");
  }

  @Test
  void aTruncatedGzipCsvFoundByAPlanningTaskIsNamed() throws Exception {
    byte[] gz = TestFiles.gzip("1.5,2.5\n".repeat(5000).getBytes(StandardCharsets.UTF_8));
    Path csv = TestFiles.put(tmp.resolve("trunc-csv/points.csv.gz"), TestFiles.truncate(gz, 20));
    Path out = tmp.resolve("trunc-csv-out");
    assertRefused(cli("--format", "csv", "--input", csv.getParent().toString(), "--output", out.toString()), out,
        csv + ": truncated or corrupt gzip data");
  }

  @Test
  void anUnwritableOutputIsRefused() throws Exception {
    Path file = Files.writeString(tmp.resolve("a-file"), "not a folder");
    Path out = file.resolve("out");
    Run r = cli("--format", "idx", "--input", FashionMnist.path("t10k-images-idx3-ubyte.gz"), "--output", out.toString());
    assertRefused(r, out, "cannot", file.toString());
  }

  @Test
  void anExistingOutputIsKeptUnlessOverwriteIsGiven() throws Exception {
    Path in = TestFiles.put(tmp.resolve("small/data_batch_1.bin"), TestFiles.cifarBatch(0, 6));
    Path out = tmp.resolve("existing");
    Run first = cli("--format", "cifar10", "--input", in.toString(), "--output", out.toString(), "--shards", "3", "--split", "train");
    assertEquals(0, first.exit(), first.err());
    assertEquals(1, first.out().lines().count(), first.out());
    assertTrue(first.out().startsWith("shard: 6 examples of 32x32x3 uint8 (cifar10, split train) -> 3 shards of 2 rows at " + out),
        first.out());
    String manifest = Files.readString(out.resolve(Manifest.FILE_NAME));
    Files.writeString(out.resolve("marker"), "keep me");

    Run again = cli("--format", "cifar10", "--input", in.toString(), "--output", out.toString(), "--shards", "2");
    assertEquals(2, again.exit());
    assertEquals(List.of("error: output " + out + " already exists; choose another path or pass --overwrite"), again.errorLines());
    assertEquals(manifest, Files.readString(out.resolve(Manifest.FILE_NAME)));
    assertTrue(Files.exists(out.resolve("marker")));

    Run over = cli("--format", "cifar10", "--input", in.toString(), "--output", out.toString(), "--shards", "2", "--overwrite");
    assertEquals(0, over.exit(), over.err());
    assertTrue(Files.notExists(out.resolve("marker")));
    Manifest m = Manifest.fromJson(Files.readString(out.resolve(Manifest.FILE_NAME)));
    assertEquals(2, m.shards());
    assertEquals(Manifest.fromJson(manifest).checksum(), m.checksum());
  }

  @Test
  void overwriteNeverRemovesAnInputOrWhatScoreSdeDidNotWrite() throws Exception {
    Path victim = tmp.resolve("victim");
    Path in = TestFiles.put(victim.resolve("data_batch_1.bin"), TestFiles.cifarBatch(0, 4));
    Path mine = Files.writeString(victim.resolve("notes.txt"), "mine");
    byte[] before = Files.readAllBytes(in);

    Run contains = cli("--format", "cifar10", "--input", in.toString(), "--output", victim.toString(), "--overwrite");
    assertEquals(2, contains.exit(), contains.err());
    assertEquals(List.of("error: output " + victim + " contains the input --input " + in
        + ": choose an output path apart from the inputs"), contains.errorLines());
    Run inside = cli("--format", "cifar10", "--input", victim.toString(), "--output", victim.resolve("shards").toString());
    assertEquals(List.of("error: output " + victim.resolve("shards") + " lies inside the input --input " + victim
        + ": choose an output path apart from the inputs"), inside.errorLines());
    Run glob = cli("--format", "cifar10", "--input", victim + "/*.bin", "--output", victim.resolve("s2").toString());
    assertEquals(1, glob.errorLines().size(), glob.err());
    assertTrue(glob.errorLines().get(0).contains("lies inside the input --input " + victim + "/*.bin"), glob.err());

    Path foreign = Files.createDirectories(tmp.resolve("foreign"));
    Files.writeString(foreign.resolve("thesis.tex"), "years of work");
    Run notOurs = cli("--format", "cifar10", "--input", in.toString(), "--output", foreign.toString(), "--overwrite");
    assertEquals(List.of("error: output " + foreign + " exists and has no _SCORE_SDE marker, so score-sde did not write it;"
        + " --overwrite replaces only score-sde outputs: remove it yourself or choose another path"), notOurs.errorLines());
    Run aFile = cli("--format", "cifar10", "--input", in.toString(), "--output", mine.toString(), "--overwrite");
    assertEquals(1, aFile.errorLines().size(), aFile.err());
    assertTrue(aFile.errorLines().get(0).contains("is an existing file that score-sde did not write"), aFile.err());

    assertEquals("years of work", Files.readString(foreign.resolve("thesis.tex")));
    assertEquals("mine", Files.readString(mine));
    assertTrue(Arrays.equals(before, Files.readAllBytes(in)));
    try (var left = Files.list(victim)) {
      assertEquals(List.of("data_batch_1.bin", "notes.txt"), left.map(f -> f.getFileName().toString()).sorted().toList());
    }
    try (var left = Files.list(tmp)) {
      assertTrue(left.noneMatch(f -> f.getFileName().toString().startsWith(".")), "a temporary was left in " + tmp);
    }
  }

  @Test
  void anUnknownHostIsOneErrorLine() throws Exception {
    Path in = TestFiles.put(tmp.resolve("host/data_batch_1.bin"), TestFiles.cifarBatch(0, 4));
    Run out = cli("--format", "cifar10", "--input", in.toString(), "--output", "hdfs://nohost.invalid:9/x");
    assertEquals(2, out.exit(), out.err());
    assertEquals(1, out.errorLines().size(), out.err());
    assertTrue(out.errorLines().get(0).startsWith("error: unknown host 'nohost.invalid'"), out.err());
    assertFalse(out.err().contains("\tat "), out.err());
    Path o = tmp.resolve("host-out");
    assertRefused(cli("--format", "cifar10", "--input", "hdfs://nohost.invalid:9/in", "--output", o.toString()), o,
        "unknown host 'nohost.invalid'");
  }

  @Test
  void zeroShardsChoosesTheCountAsItsHelpSays() throws Exception {
    Path in = TestFiles.put(tmp.resolve("zero/data_batch_1.bin"), TestFiles.cifarBatch(0, 4));
    Path out = tmp.resolve("zero-out");
    Run r = cli("--format", "cifar10", "--input", in.toString(), "--output", out.toString(), "--shards", "0");
    assertEquals(0, r.exit(), r.err());
    assertTrue(Manifest.fromJson(Files.readString(out.resolve(Manifest.FILE_NAME))).shards() >= 1);
    assertTrue(Files.exists(out.resolve("_SCORE_SDE")));
  }

  @Test
  void optionsThatDoNotFitTheFormatAreRefused() throws Exception {
    Path out = tmp.resolve("opts");
    assertRefused(cli("--format", "tiff", "--input", "x", "--output", out.toString()), out, "unknown format 'tiff'");
    assertRefused(cli("--format", "csv", "--input", "x", "--output", out.toString(), "--resize", "3x3"), out,
        "--resize applies to --format images only");
    assertRefused(cli("--format", "images", "--input", "x", "--output", out.toString(), "--resize", "3by3"), out,
        "--resize needs HEIGHTxWIDTH");
    assertRefused(cli("--format", "idx", "--input", "x", "--output", out.toString(), "--shards", "-1"), out,
        "--shards must be 0 (chosen from the cluster and the data size) or positive, got -1");
    assertRefused(cli("--format", "idx", "--input", tmp.resolve("missing").toString(), "--output", out.toString()), out,
        tmp.resolve("missing") + ": no such file or folder");
  }
}
