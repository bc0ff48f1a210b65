package org.scoresde.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scoresde.testing.StandaloneCluster;

class StandaloneClusterTest {

  @Test
  void tasksRunInTwoExecutorJvms(@TempDir Path dir) throws Exception {
    try (StandaloneCluster cluster = StandaloneCluster.start(dir, 2, 1, "1g")) {
      SparkConf conf = new SparkConf().setMaster(cluster.masterUrl()).setAppName("cluster-test")
          .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
          .set("spark.driver.bindAddress", "127.0.0.1").set("spark.executor.memory", "768m")
          .set("spark.jars", cluster.applicationJar().toString());
      try (JavaSparkContext sc = new JavaSparkContext(conf)) {
        List<Integer> data = IntStream.range(0, 1000).boxed().collect(Collectors.toList());
        List<String> hosts = sc.parallelize(data, 8)
            .map(i -> java.lang.management.ManagementFactory.getRuntimeMXBean().getName())
            .distinct().collect();
        long sum = sc.parallelize(data, 8).map(i -> (long) i * i).reduce(Long::sum);
        assertEquals(332833500L, sum);
        assertEquals(2, hosts.size(), "tasks ran in " + hosts);
        assertTrue(cluster.executorPids().size() >= 2);
      }
    }
  }
}
