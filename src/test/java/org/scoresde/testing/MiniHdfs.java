package org.scoresde.testing;

import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/** A real HDFS in this JVM (Hadoop's MiniDFSCluster, one datanode) for tests that need hdfs:// paths. */
public final class MiniHdfs implements AutoCloseable {
  private final MiniDFSCluster cluster;

  private MiniHdfs(MiniDFSCluster cluster) {
    this.cluster = cluster;
  }

  public static MiniHdfs start(Path baseDir) throws Exception {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, baseDir.toAbsolutePath().toString());
    conf.set("dfs.namenode.rpc-address", "127.0.0.1:0");
    conf.set("dfs.datanode.address", "127.0.0.1:0");
    conf.set("dfs.datanode.http.address", "127.0.0.1:0");
    conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
    conf.set("dfs.namenode.http-address", "127.0.0.1:0");
    return new MiniHdfs(new MiniDFSCluster.Builder(conf).numDataNodes(1).build());
  }

  /** hdfs://127.0.0.1:PORT, to use as fs.defaultFS or as a path prefix. */
  public String uri() {
    return "hdfs://127.0.0.1:" + cluster.getNameNodePort();
  }

  public Configuration configuration() {
    return cluster.getConfiguration(0);
  }

  @Override
  public void close() {
    cluster.shutdown();
  }
}
