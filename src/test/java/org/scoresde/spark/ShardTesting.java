package org.scoresde.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.scoresde.data.Example;
import org.scoresde.data.InputRequest;
import org.scoresde.data.Resize;
import org.scoresde.data.ShardFormat;
import org.scoresde.data.ShardSchema;

/** Shared pieces of the shard job tests: a request with small splits and no progress lines, reading shards back by index. */
final class ShardTesting {
  private ShardTesting() {}

  static ShardRequest request(ShardFormat format, String input, String labels, String output, int shards, long seed,
      Resize resize, long splitBytes) {
    return new ShardRequest(new InputRequest(format, input, labels, null, resize, splitBytes), output, shards, false, seed,
        128L << 20, 0);
  }

  /** Every row of a shard directory (small datasets only), by index. */
  static Map<Long, Example> byIndex(SparkSession spark, String dir) {
    Map<Long, Example> out = new HashMap<>();
    for (Row r : ShardReader.read(spark, dir).rows().collectAsList()) {
      Example e = ShardSchema.toExample(r);
      if (out.put(e.index(), e) != null) {
        throw new AssertionError("index " + e.index() + " appears twice in " + dir);
      }
    }
    return out;
  }

  /** True when nothing named DIR or a temporary sibling .DIR.tmp-* exists. */
  static boolean nothingAt(Path dir) throws IOException {
    if (Files.exists(dir)) {
      return false;
    }
    if (!Files.isDirectory(dir.getParent())) {
      return true;
    }
    try (Stream<Path> s = Files.list(dir.getParent())) {
      return s.noneMatch(p -> p.getFileName().toString().startsWith("." + dir.getFileName() + ".tmp"));
    }
  }
}
