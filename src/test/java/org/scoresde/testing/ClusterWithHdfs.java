package org.scoresde.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.scoresde.cli.Main;
import org.scoresde.spark.SparkSessions;

/**
 * A standalone cluster (a master and two one-core worker JVMs) with a MiniHdfs as its default
 * filesystem, and the driver's Spark properties set so that jobs run in this JVM use both; closing
 * stops the session, clears the properties and stops the cluster and HDFS.
 */
public final class ClusterWithHdfs implements AutoCloseable {
  private final MiniHdfs hdfs;
  private final StandaloneCluster cluster;
  private final Map<String, String> properties;

  private ClusterWithHdfs(MiniHdfs hdfs, StandaloneCluster cluster) {
    this.hdfs = hdfs;
    this.cluster = cluster;
    this.properties = Map.of("spark.jars", cluster.applicationJar().toString(), "spark.executor.memory", "1g",
        "spark.hadoop.fs.defaultFS", hdfs.uri(), "spark.driver.host", "127.0.0.1");
    properties.forEach(System::setProperty);
  }

  /** Starts HDFS under {@code dir/hdfs} and the cluster under {@code dir/cluster}, after stopping any local session. */
  public static ClusterWithHdfs start(Path dir) throws Exception {
    SparkSessions.create("test", "local[1]").stop();
    MiniHdfs hdfs = MiniHdfs.start(dir.resolve("hdfs"));
    try {
      return new ClusterWithHdfs(hdfs, StandaloneCluster.start(dir.resolve("cluster"), 2, 1, "1536m"));
    } catch (Exception | Error e) {
      hdfs.close();
      throw e;
    }
  }

  public String master() {
    return cluster.masterUrl();
  }

  /** The hdfs:// URI of the filesystem's root. */
  public String hdfs() {
    return hdfs.uri();
  }

  /**
   * Runs {@code train} on this cluster from the HDFS path {@code data} to {@code out}, with the
   * export approach and its export directory on HDFS (executors in other JVMs read the minibatches
   * from there), then {@code more} arguments; returns the exit code.
   */
  public int train(String data, String out, String... more) {
    List<String> args = new ArrayList<>(List.of("train", "--master", master(), "--data", hdfs() + data,
        "--out", hdfs() + out, "--set", "train.approach=export", "--set", "train.export-dir=" + hdfs() + "/tmp/export"));
    args.addAll(List.of(more));
    return Main.execute(args.toArray(String[]::new));
  }

  public FileSystem fileSystem() throws IOException {
    return FileSystem.get(URI.create(hdfs.uri()), hdfs.configuration());
  }

  /** The text of the HDFS file at {@code path}. */
  public String read(String path) throws IOException {
    try (InputStream in = fileSystem().open(new org.apache.hadoop.fs.Path(path))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Override
  public void close() {
    try {
      SparkSessions.create("test", cluster.masterUrl()).stop();
    } finally {
      properties.keySet().forEach(System::clearProperty);
      try {
        cluster.close();
      } finally {
        hdfs.close();
      }
    }
  }
}
