package org.scoresde.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.spark.SparkConf;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;
import org.scoresde.config.UserError;
import org.scoresde.nn.ScoreNetworkConfig;

class LikelihoodMemoryTest {
  private static final ScoreNetworkConfig FASHION = ScoreNetworkConfig.defaultFor(1, 28, 28);

  private static SparkConf profile(String name) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(Path.of("conf/spark", name))) {
      p.load(r);
    }
    SparkConf conf = new SparkConf(false);
    p.stringPropertyNames().forEach(k -> conf.set(k, p.getProperty(k).trim()));
    return conf;
  }

  @Test
  void tasksAndOffHeapOfAnExecutor() {
    assertEquals(3, LikelihoodMemory.tasksPerExecutor(new SparkConf(false).setMaster("local[3]")));
    assertEquals(1, LikelihoodMemory.tasksPerExecutor(new SparkConf(false).setMaster("local")));
    assertEquals(2, LikelihoodMemory.tasksPerExecutor(new SparkConf(false).setMaster("local[2, 4]")));
    assertEquals(Runtime.getRuntime().availableProcessors(),
        LikelihoodMemory.tasksPerExecutor(new SparkConf(false).setMaster("local[*]")));
    SparkConf yarn = new SparkConf(false).setMaster("yarn").set("spark.executor.cores", "4").set("spark.task.cpus", "2");
    assertEquals(2, LikelihoodMemory.tasksPerExecutor(yarn));
    assertEquals(1, LikelihoodMemory.tasksPerExecutor(new SparkConf(false).setMaster("spark://h:7077")));

    assertEquals(Pointer.maxBytes(), LikelihoodMemory.executorOffHeapBytes(new SparkConf(false).setMaster("local[2]")));
    SparkConf limited = new SparkConf(false).setMaster("yarn")
        .set("spark.executor.extraJavaOptions", "--add-opens=x -Dorg.bytedeco.javacpp.maxbytes=4G -Dother=1");
    assertEquals(4L << 30, LikelihoodMemory.executorOffHeapBytes(limited));
    // without a limit JavaCPP allows as much off-heap memory as the JVM has heap
    SparkConf plain = new SparkConf(false).setMaster("yarn").set("spark.executor.memory", "2g");
    assertEquals(2L << 30, LikelihoodMemory.executorOffHeapBytes(plain));
  }

  @Test
  void theDefaultBatchFitsTheLauncherAndEveryProfile() throws IOException {
    long perRow = LikelihoodMemory.networkBytesPerRow(FASHION);
    // DL4J's training-mode estimate of the U-Net: 6.6 MB a row, about twice the 3.4 MB its workspaces measured
    assertTrue(perRow > 5_000_000 && perRow < 9_000_000, "bytes per row " + perRow);
    SparkConf launcher = new SparkConf(false).setMaster("local[2]")
        .set("spark.executor.extraJavaOptions", "-Dorg.bytedeco.javacpp.maxbytes=3G");
    LikelihoodMemory local = new LikelihoodMemory(perRow, 40 * 785 * 4, 1, 2, 3L << 30);
    local.check(64);
    String[][] profiles = {{"standalone.conf", "spark://host:7077", "4G"}, {"yarn.conf", "yarn", "4G"},
        {"k8s-gpu.conf", "k8s://https://host:6443", "8G"}};
    for (String[] p : profiles) {
      String name = p[0];
      SparkConf conf = profile(name);
      conf.setIfMissing("spark.master", p[1]);
      LikelihoodMemory m = LikelihoodMemory.estimate(784, FASHION, conf, 1);
      assertEquals(Pointer.parseBytes(p[2], 0), m.executorBytes(), name);
      m.check(64);
      System.out.printf("%s: %d tasks x %.2f GB of %.1f GB%n", name, m.tasksPerExecutor(), m.perTaskBytes(64) / 1e9,
          m.executorBytes() / 1e9);
    }
    assertEquals(2, LikelihoodMemory.tasksPerExecutor(launcher));
  }

  @Test
  void aBatchThatCannotFitIsRefusedWithTheBatchSizeThatDoes() {
    long perRow = LikelihoodMemory.networkBytesPerRow(FASHION);
    LikelihoodMemory m = new LikelihoodMemory(perRow, 40 * 785 * 4, 1, 2, 3L << 30);
    UserError e = assertThrows(UserError.class, () -> m.check(1024));
    System.out.println(e.getMessage());
    long fits = (3L << 30) / 2 / m.perTaskBytes(1);
    assertTrue(e.getMessage().contains("lower --batch-size to " + fits + " or less"), e.getMessage());
    m.check((int) fits);
    assertThrows(UserError.class, () -> m.check((int) fits + 1));
    // probes multiply the rows the network holds
    LikelihoodMemory probes = new LikelihoodMemory(perRow, 40 * 785 * 4, 4, 2, 3L << 30);
    assertThrows(UserError.class, () -> probes.check((int) fits));
  }
}
