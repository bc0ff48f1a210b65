package org.scoresde.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestTest {

  static Manifest sample() {
    return new Manifest(1, "idx", "uint8", 5, 28, 28, 1, 2,
        List.of(new Manifest.ShardFile("part-00000.parquet", 3), new Manifest.ShardFile("part-00001.parquet", 2)),
        "train", 42, List.of(72.5), List.of(90.25), Map.of(0, 3L, 10, 2L), null, "0123456789abcdef",
        RowDigest.ALGORITHM, List.of("file:/x/train-images-idx3-ubyte.gz"), null);
  }

  @Test
  void jsonRoundTripKeepsEveryFieldAndUsesTheDocumentedNames() {
    Manifest m = sample();
    String json = m.toJson();
    for (String key : new String[] {"\"count\" : 5", "\"height\" : 28", "\"width\" : 28", "\"channels\" : 1", "\"shards\" : 2",
        "\"format\" : \"idx\"", "\"encoding\" : \"uint8\"", "\"label_counts\"", "\"shard_files\"", "\"checksum\" : \"0123456789abcdef\""}) {
      assertTrue(json.contains(key), key + " missing from " + json);
    }
    assertFalse(json.contains("classes"), "absent fields are left out");
    assertFalse(json.contains("\"image\"") || json.contains("\"dimension\""), "derived accessors are not fields");
    Manifest back = Manifest.fromJson(json);
    assertEquals(m, back);
    assertEquals(List.of(0, 10), List.copyOf(back.labelCounts().keySet()), "labels in numeric order");
    assertTrue(back.isImage());
    assertEquals(784, back.dimension());
  }

  @Test
  void inconsistentOrForeignJsonIsRefused() {
    String json = sample().toJson();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Manifest.fromJson(json.replace("\"count\" : 5", "\"count\" : 6")));
    assertTrue(e.getMessage().contains("hold 5 rows but its count is 6"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Manifest.fromJson(json.replace("\"version\" : 1", "\"version\" : 9")));
    assertThrows(IllegalArgumentException.class, () -> Manifest.fromJson("{\"hello\": 1}"));
    assertThrows(IllegalArgumentException.class, () -> Manifest.fromJson("not json"));
  }

  @Test
  void aSliceRecordsItsRangeWhichMustSpanTheCount() {
    Manifest m = sample();
    Manifest sliced = new Manifest(m.version(), m.format(), m.encoding(), m.count(), m.height(), m.width(), m.channels(),
        m.shards(), m.shardFiles(), m.split(), m.seed(), m.mean(), m.std(), m.labelCounts(), m.classes(), m.checksum(),
        m.checksumAlgorithm(), m.sources(), List.of(55_000L, 55_005L));
    String json = sliced.toJson();
    assertTrue(json.contains("\"range\" : [ 55000, 55005 ]"), json);
    assertEquals(sliced, Manifest.fromJson(json));
    assertFalse(m.toJson().contains("range"), "no range for a whole input");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Manifest.fromJson(json.replace("55005", "55006")));
    assertTrue(e.getMessage().contains("does not span its count 5"), e.getMessage());
  }
}
