package org.scoresde.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvInputTest {
  private final Configuration conf = new Configuration();
  private final ParallelMap pm = ParallelMap.sequential(conf);

  private static InputRequest req(Path input, long splitBytes) {
    return new InputRequest(ShardFormat.CSV, input.toString(), null, null, null, splitBytes);
  }

  private static String rows(int from, int to) {
    StringBuilder b = new StringBuilder();
    for (int i = from; i < to; i++) {
      b.append(i * 0.5f).append(", ").append(-i).append(',').append(1e-3f * i).append('\n');
    }
    return b.toString();
  }

  @Test
  void everyRowIsReadOnceInOrderWhateverTheByteRanges(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("a.csv"), "x,y,z\n" + rows(0, 20) + "\n\n" + rows(20, 25));
    Files.write(dir.resolve("b.csv.gz"), TestFiles.gzip(rows(25, 31).replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8)));
    for (long splitBytes : new long[] {1, 7, 13, 64, 1 << 20}) {
      PlannedInput<CsvInput.Split> in = CsvInput.plan(req(dir, splitBytes), conf, pm);
      assertEquals(new Layout(ShardFormat.CSV, 31, 1, 3, 1, null), in.layout());
      List<Example> all = TestFiles.readAll(in, conf);
      assertEquals(31, all.size(), "split bytes " + splitBytes);
      for (int i = 0; i < 31; i++) {
        assertEquals(i, all.get(i).index());
        assertEquals(Example.UNLABELLED, all.get(i).label());
        assertArrayEquals(new float[] {i * 0.5f, -i, 1e-3f * i}, all.get(i).values(), "row " + i + ", split bytes " + splitBytes);
      }
    }
  }

  @Test
  void aBadValueIsReportedWithItsLineNumberFromAnyRange(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("v.csv");
    Files.writeString(f, "a,b\n" + "1,2\n".repeat(40) + "3,oops\n" + "4,5\n");
    for (long splitBytes : new long[] {5, 1 << 20}) {
      InputProblem p = assertThrows(InputProblem.class, () -> CsvInput.plan(req(f, splitBytes), conf, pm));
      assertEquals(f.toString(), p.file());
      assertEquals("line 42: 'oops' in column 2 is not a number", p.problem());
    }
  }

  @Test
  void rowsOfDifferentLengthsAndNonFiniteValuesAreRefused(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("w.csv");
    Files.writeString(f, "1,2\n3,4\n5,6,7\n");
    InputProblem p = assertThrows(InputProblem.class, () -> CsvInput.plan(req(f, 1 << 20), conf, pm));
    assertTrue(p.problem().startsWith("line 3: has 3 values but the rows before it have 2"), p.problem());
    Files.writeString(f, "1,2\n3,4\n");
    Path g = dir.resolve("x.csv");
    Files.writeString(g, "1,2,3\n");
    p = assertThrows(InputProblem.class, () -> CsvInput.plan(req(dir, 1 << 20), conf, pm));
    assertEquals(g.toString(), p.file());
    assertTrue(p.problem().contains("line 1 has 3 values but " + f + " line 1 has 2"), p.problem());
    Files.delete(g);
    Files.writeString(f, "1,2\n1e39,4\n");
    p = assertThrows(InputProblem.class, () -> CsvInput.plan(req(f, 1 << 20), conf, pm));
    assertEquals("line 2: '1e39' in column 1 is not a finite float", p.problem());
  }

  @Test
  void aTruncatedGzipCsvIsNamed(@TempDir Path dir) throws Exception {
    byte[] gz = TestFiles.gzip(rows(0, 2000).getBytes(StandardCharsets.UTF_8));
    Path f = TestFiles.put(dir.resolve("t.csv.gz"), TestFiles.truncate(gz, gz.length / 2));
    InputProblem p = assertThrows(InputProblem.class, () -> CsvInput.plan(req(f, 1 << 20), conf, pm));
    assertEquals(f.toString(), p.file());
    assertTrue(p.problem().startsWith("truncated or corrupt gzip data"), p.problem());
  }

  @Test
  void aFileWithoutDataRowsIsAnEmptyInput(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("e.csv");
    Files.writeString(f, "x,y\n\n");
    InputProblem p = assertThrows(InputProblem.class, () -> CsvInput.plan(req(f, 1 << 20), conf, pm));
    assertTrue(p.problem().contains("empty input"), p.problem());
  }
}
