package org.scoresde.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scoresde.testing.FashionMnist;

class IdxInputTest {
  private final Configuration conf = new Configuration();
  private final ParallelMap pm = ParallelMap.sequential(conf);

  private static InputRequest req(Path images, Path labels, long splitBytes) {
    return new InputRequest(ShardFormat.IDX, images.toString(), labels == null ? null : labels.toString(), null, null, splitBytes);
  }

  @Test
  void plainFilesAreReadByRecordRangesWithExactPixelsAndLabels(@TempDir Path dir) throws Exception {
    Path images = TestFiles.put(dir.resolve("imgs-idx3-ubyte"), TestFiles.idxImages(11, 3, 4));
    Path labels = TestFiles.put(dir.resolve("labels-idx1-ubyte"), TestFiles.idxLabels(11));
    // 24 bytes per split = 2 images of 12 bytes: 6 ranges, the last holding one image
    PlannedInput<IdxInput.Split> in = IdxInput.plan(req(images, labels, 24), conf, pm);
    assertEquals(6, in.splits().size());
    assertEquals(new Layout(ShardFormat.IDX, 11, 3, 4, 1, null), in.layout());
    List<Example> all = TestFiles.readAll(in, conf);
    assertEquals(11, all.size());
    for (int i = 0; i < 11; i++) {
      assertEquals(i, all.get(i).index());
      assertEquals(i % 10, all.get(i).label());
      assertArrayEquals(TestFiles.pixels(i, 12), all.get(i).pixels());
    }
  }

  @Test
  void gzipFilesGetAtMostOneRangePerCoreAndTheSameExamples(@TempDir Path dir) throws Exception {
    Path images = TestFiles.put(dir.resolve("i.gz"), TestFiles.gzip(TestFiles.idxImages(9, 5, 5)));
    Path labels = TestFiles.put(dir.resolve("l.gz"), TestFiles.gzip(TestFiles.idxLabels(9)));
    PlannedInput<IdxInput.Split> in = IdxInput.plan(req(images, labels, 25), conf, pm);
    assertEquals(2, in.splits().size(), "the sequential map reports parallelism 2");
    List<Example> all = TestFiles.readAll(in, conf);
    assertEquals(9, all.size());
    for (int i = 0; i < 9; i++) {
      assertEquals(i, all.get(i).index());
      assertEquals(i % 10, all.get(i).label());
      assertArrayEquals(TestFiles.pixels(i, 25), all.get(i).pixels());
    }
  }

  @Test
  void withoutLabelsTheExamplesAreUnlabelled(@TempDir Path dir) throws Exception {
    Path images = TestFiles.put(dir.resolve("i"), TestFiles.idxImages(3, 2, 2));
    List<Example> all = TestFiles.readAll(IdxInput.plan(req(images, null, 1 << 20), conf, pm), conf);
    assertEquals(3, all.size());
    assertTrue(all.stream().allMatch(e -> e.label() == Example.UNLABELLED));
  }

  @Test
  void aFolderWithASplitNameFindsTheStandardFileNames() throws Exception {
    InputRequest r = new InputRequest(ShardFormat.IDX, FashionMnist.dir().toString(), null, "test", null, 1 << 24);
    PlannedInput<IdxInput.Split> in = IdxInput.plan(r, conf, pm);
    assertEquals(new Layout(ShardFormat.IDX, 10000, 28, 28, 1, null), in.layout());
    assertEquals(2, in.sources().size());
    assertTrue(in.sources().get(0).endsWith("t10k-images-idx3-ubyte.gz"));
    assertTrue(in.sources().get(1).endsWith("t10k-labels-idx1-ubyte.gz"));
  }

  @Test
  void aLabelsFileGivenAsImagesIsAWrongMagicNumber(@TempDir Path dir) throws Exception {
    Path labels = TestFiles.put(dir.resolve("l"), TestFiles.idxLabels(4));
    InputProblem p = assertThrows(InputProblem.class, () -> IdxInput.plan(req(labels, null, 100), conf, pm));
    assertEquals(labels.toString(), p.file());
    assertTrue(p.problem().contains("wrong magic number 0x00000801, expected 0x00000803"), p.problem());
  }

  @Test
  void labelCountMustMatchImageCount(@TempDir Path dir) throws Exception {
    Path images = TestFiles.put(dir.resolve("i"), TestFiles.idxImages(5, 2, 2));
    Path labels = TestFiles.put(dir.resolve("l"), TestFiles.idxLabels(4));
    InputProblem p = assertThrows(InputProblem.class, () -> IdxInput.plan(req(images, labels, 100), conf, pm));
    assertEquals(labels.toString(), p.file());
    assertTrue(p.problem().contains("holds 4 labels but " + images + " holds 5 images"), p.problem());
  }

  @Test
  void aTruncatedPlainFileIsFoundFromItsLength(@TempDir Path dir) throws Exception {
    Path images = TestFiles.put(dir.resolve("i"), TestFiles.truncate(TestFiles.idxImages(5, 2, 2), 3));
    InputProblem p = assertThrows(InputProblem.class, () -> IdxInput.plan(req(images, null, 100), conf, pm));
    assertTrue(p.problem().startsWith("truncated: 33 bytes, but its header declares 5 images of 2x2 (36 bytes)"), p.problem());
  }

  @Test
  void aTruncatedGzipFileIsFoundWhileReadingTheLastRange(@TempDir Path dir) throws Exception {
    byte[] gz = TestFiles.gzip(TestFiles.idxImages(50, 10, 10));
    Path images = TestFiles.put(dir.resolve("i.gz"), TestFiles.truncate(gz, gz.length / 3));
    PlannedInput<IdxInput.Split> in = IdxInput.plan(req(images, null, 1000), conf, pm);
    InputProblem p = assertThrows(InputProblem.class, () -> TestFiles.readAll(in, conf));
    assertEquals(images.toString(), p.file());
    assertTrue(p.problem().contains("truncated or corrupt gzip data"), p.problem());
  }

  @Test
  void aCorruptGzipTrailerIsFoundAtTheEnd(@TempDir Path dir) throws Exception {
    byte[] gz = TestFiles.gzip(TestFiles.idxImages(4, 3, 3));
    gz[gz.length - 6] ^= 0x55; // a byte of the CRC-32 trailer
    Path images = TestFiles.put(dir.resolve("i.gz"), gz);
    PlannedInput<IdxInput.Split> in = IdxInput.plan(req(images, null, 1 << 20), conf, pm);
    InputProblem p = assertThrows(InputProblem.class, () -> TestFiles.readAll(in, conf));
    assertTrue(p.problem().contains("corrupt gzip"), p.problem());
  }

  @Test
  void emptyAndMissingFilesAreNamed(@TempDir Path dir) throws Exception {
    Path empty = TestFiles.put(dir.resolve("empty"), new byte[0]);
    InputProblem p = assertThrows(InputProblem.class, () -> IdxInput.plan(req(empty, null, 100), conf, pm));
    assertTrue(p.problem().contains("empty"), p.problem());
    Path none = TestFiles.put(dir.resolve("zero"), TestFiles.idxImages(0, 2, 2));
    p = assertThrows(InputProblem.class, () -> IdxInput.plan(req(none, null, 100), conf, pm));
    assertTrue(p.problem().contains("no images"), p.problem());
    Path missing = dir.resolve("missing");
    p = assertThrows(InputProblem.class, () -> IdxInput.plan(req(missing, null, 100), conf, pm));
    assertEquals(missing.toString(), p.file());
    assertTrue(Files.notExists(missing));
  }
}
