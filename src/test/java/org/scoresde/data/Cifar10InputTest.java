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

class Cifar10InputTest {
  private final Configuration conf = new Configuration();
  private final ParallelMap pm = ParallelMap.sequential(conf);

  private static InputRequest req(Path input, String split, long splitBytes) {
    return new InputRequest(ShardFormat.CIFAR10, input.toString(), null, split, null, splitBytes);
  }

  @Test
  void batchesAreReadInNameOrderByRecordRangesWithExactPixels(@TempDir Path dir) throws Exception {
    TestFiles.put(dir.resolve("data_batch_1.bin"), TestFiles.cifarBatch(0, 5));
    TestFiles.put(dir.resolve("data_batch_2.bin"), TestFiles.cifarBatch(5, 3));
    Files.writeString(dir.resolve("batches.meta.txt"), "airplane\n");
    // 2 records per range: 3 ranges in the first file, 2 in the second
    PlannedInput<Cifar10Input.Split> in = Cifar10Input.plan(req(dir, null, 2 * Cifar10Input.RECORD), conf, pm);
    assertEquals(5, in.splits().size());
    assertEquals(new Layout(ShardFormat.CIFAR10, 8, 32, 32, 3, Cifar10Input.CLASSES), in.layout());
    List<Example> all = TestFiles.readAll(in, conf);
    assertEquals(8, all.size());
    for (int i = 0; i < 8; i++) {
      assertEquals(i, all.get(i).index());
      assertEquals(TestFiles.cifarLabel(i), all.get(i).label());
      assertArrayEquals(TestFiles.pixels(i, 3072), all.get(i).pixels(), "example " + i);
    }
  }

  @Test
  void splitNamesSelectTheStandardBatchFiles(@TempDir Path dir) throws Exception {
    TestFiles.put(dir.resolve("data_batch_1.bin"), TestFiles.cifarBatch(0, 2));
    TestFiles.put(dir.resolve("data_batch_2.bin"), TestFiles.cifarBatch(2, 2));
    TestFiles.put(dir.resolve("test_batch.bin"), TestFiles.cifarBatch(100, 3));
    assertEquals(4, Cifar10Input.plan(req(dir, "train", 1 << 20), conf, pm).layout().count());
    PlannedInput<Cifar10Input.Split> test = Cifar10Input.plan(req(dir, "test", 1 << 20), conf, pm);
    assertEquals(3, test.layout().count());
    assertArrayEquals(TestFiles.pixels(101, 3072), TestFiles.readAll(test, conf).get(1).pixels());
    assertEquals(7, Cifar10Input.plan(req(dir, null, 1 << 20), conf, pm).layout().count());
  }

  @Test
  void aFileThatIsNotWholeRecordsIsRefused(@TempDir Path dir) throws Exception {
    Path f = TestFiles.put(dir.resolve("data_batch_1.bin"), TestFiles.truncate(TestFiles.cifarBatch(0, 3), 100));
    InputProblem p = assertThrows(InputProblem.class, () -> Cifar10Input.plan(req(f, null, 1 << 20), conf, pm));
    assertEquals(f.toString(), p.file());
    assertTrue(p.problem().startsWith("9119 bytes is not a whole number of 3073-byte CIFAR-10 records"), p.problem());
  }

  @Test
  void aLabelOutsideTheTenClassesIsCorruption(@TempDir Path dir) throws Exception {
    byte[] batch = TestFiles.cifarBatch(0, 3);
    batch[2 * Cifar10Input.RECORD] = 42;
    Path f = TestFiles.put(dir.resolve("b.bin"), batch);
    PlannedInput<Cifar10Input.Split> in = Cifar10Input.plan(req(f, null, 1 << 20), conf, pm);
    InputProblem p = assertThrows(InputProblem.class, () -> TestFiles.readAll(in, conf));
    assertTrue(p.problem().startsWith("record 2 has label 42"), p.problem());
  }

  @Test
  void aFolderWithoutBatchesIsAnEmptyInput(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("readme.html"), "<html/>");
    InputProblem p = assertThrows(InputProblem.class, () -> Cifar10Input.plan(req(dir, null, 1 << 20), conf, pm));
    assertTrue(p.problem().contains("empty input"), p.problem());
  }
}
