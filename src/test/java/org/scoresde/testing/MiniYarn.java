package org.scoresde.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

/**
 * A real YARN in this JVM: Hadoop's MiniYARNCluster with one ResourceManager and one NodeManager whose
 * containers are processes of their own on this machine, a Hadoop configuration directory for clients
 * (what HADOOP_CONF_DIR points at on a cluster's edge node: core-site.xml with the default filesystem,
 * hdfs-site.xml, yarn-site.xml with the ResourceManager's addresses), and a YarnClient for application
 * reports. Set up as Spark's own YARN tests do (BaseYarnClusterSuite): the disk health check off, the
 * ResourceManager's ephemeral port awaited.
 */
public final class MiniYarn implements AutoCloseable {
  private final MiniYARNCluster cluster;
  private final Path confDir;
  private final YarnClient client;

  private MiniYarn(MiniYARNCluster cluster, Path confDir, YarnClient client) {
    this.cluster = cluster;
    this.confDir = confDir;
    this.client = client;
  }

  /**
   * Starts YARN with a NodeManager of {@code nodeMemoryMb} MB and writes the client configuration to
   * {@code dir/conf}, with {@code defaultFs} (an hdfs:// URI) as the default filesystem.
   */
  public static MiniYarn start(Path dir, String defaultFs, int nodeMemoryMb) throws Exception {
    YarnConfiguration conf = new YarnConfiguration();
    // a nearly full disk would otherwise mark the node unhealthy and leave every application waiting
    conf.set("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", "100.0");
    // hadoop-client-minicluster carries no capacity-scheduler.xml (the default scheduler's queues): FIFO needs none
    conf.set(YarnConfiguration.RM_SCHEDULER, "org.apache.hadoop.yarn.server.resourcemanager.scheduler.fifo.FifoScheduler");
    conf.setInt(YarnConfiguration.YARN_MINICLUSTER_NM_PMEM_MB, nodeMemoryMb);
    // containers are sized in steps of 256 MB (the default 1 GB step would round a 1.4 GB container up to 2 GB)
    conf.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 256);
    // MiniYARNCluster turns the NodeManager's memory checks off unless told otherwise: keep the physical one
    // (a container whose processes outgrow memory + memoryOverhead is killed, as on a cluster) and drop the
    // virtual one (a JVM's address space is many times its resident memory; clusters turn it off too)
    conf.setBoolean(YarnConfiguration.YARN_MINICLUSTER_CONTROL_RESOURCE_MONITORING, true);
    conf.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, true);
    conf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
    // the NodeManager's work and log directories go under target/test/data/MiniYarn of the working directory
    MiniYARNCluster cluster = new MiniYARNCluster("MiniYarn", 1, 1, 1, 1);
    cluster.init(conf);
    cluster.start();
    try {
      Configuration started = cluster.getConfig();
      // MiniYARNCluster's start can return before the ResourceManager has written its bound port back
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (started.get(YarnConfiguration.RM_ADDRESS).endsWith(":0")) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the ResourceManager did not come up: " + started.get(YarnConfiguration.RM_ADDRESS));
        }
        Thread.sleep(100);
      }
      if (!cluster.waitForNodeManagersToConnect(60_000)) {
        throw new IllegalStateException("the NodeManager did not register with the ResourceManager");
      }
      Path confDir = Files.createDirectories(dir.resolve("conf"));
      write(confDir.resolve("core-site.xml"), Map.of("fs.defaultFS", defaultFs));
      write(confDir.resolve("hdfs-site.xml"), Map.of("dfs.replication", "1"));
      Configuration yarnSite = new Configuration(false);
      for (String key : List.of(YarnConfiguration.RM_ADDRESS, YarnConfiguration.RM_SCHEDULER_ADDRESS,
          YarnConfiguration.RM_RESOURCE_TRACKER_ADDRESS, YarnConfiguration.RM_ADMIN_ADDRESS,
          YarnConfiguration.RM_WEBAPP_ADDRESS)) {
        yarnSite.set(key, started.get(key));
      }
      try (OutputStream out = Files.newOutputStream(confDir.resolve("yarn-site.xml"))) {
        yarnSite.writeXml(out);
      }
      YarnClient client = YarnClient.createYarnClient();
      client.init(new YarnConfiguration(started));
      client.start();
      return new MiniYarn(cluster, confDir, client);
    } catch (Exception | Error e) {
      cluster.stop();
      throw e;
    }
  }

  /** The directory to give clients as HADOOP_CONF_DIR. */
  public Path confDir() {
    return confDir;
  }

  /** The ResourceManager's report of application {@code id} (application_..._...). */
  public ApplicationReport report(String id) throws Exception {
    return client.getApplicationReport(ApplicationId.fromString(id));
  }

  /** The ResourceManager's reports of every application it has seen, oldest first. */
  public java.util.List<ApplicationReport> applications() throws Exception {
    return client.getApplications().stream()
        .sorted(java.util.Comparator.comparing(ApplicationReport::getApplicationId)).toList();
  }

  /**
   * The logs of every container of application {@code id} as the NodeManager keeps them (its log
   * directories: one folder per container with its launch script, stdout and stderr), the last {@code lines} lines
   * of each file.
   */
  public String containerLogs(String id, int lines) throws IOException {
    StringBuilder all = new StringBuilder();
    // only the NodeManagers' log directories: their local directories are being cleaned up while an application ends
    List<Path> logDirs;
    try (Stream<Path> dirs = Files.walk(cluster.getTestWorkDir().toPath(), 2)) {
      logDirs = dirs.filter(Files::isDirectory).filter(d -> d.getFileName().toString().contains("-logDir-nm")).toList();
    }
    for (Path dir : logDirs) {
      Path app = dir.resolve(id);
      if (!Files.isDirectory(app)) {
        continue;
      }
      List<Path> logs;
      try (Stream<Path> files = Files.walk(app)) {
        logs = files.filter(Files::isRegularFile)
            .filter(f -> !f.getFileName().toString().equals("directory.info")).sorted().toList();
      } catch (IOException | UncheckedIOException e) {
        all.append("\n(").append(app).append(" went while being read: ").append(e).append(")\n");
        continue;
      }
      for (Path f : logs) {
        List<String> text;
        try {
          text = Files.readAllLines(f);
        } catch (IOException e) {
          all.append("\n(").append(f).append(" went while being read: ").append(e).append(")\n");
          continue;
        }
        all.append("\n===== ").append(f.getParent().getFileName()).append('/').append(f.getFileName())
            .append(text.size() > lines ? " (last " + lines + " of " + text.size() + " lines)" : "").append(" =====\n");
        text.subList(Math.max(0, text.size() - lines), text.size()).forEach(l -> all.append(l).append('\n'));
      }
    }
    return all.length() == 0 ? "(no container logs of " + id + " under " + cluster.getTestWorkDir() + ")" : all.toString();
  }

  private static void write(Path file, Map<String, String> properties) throws IOException {
    Configuration c = new Configuration(false);
    properties.forEach(c::set);
    try (OutputStream out = Files.newOutputStream(file)) {
      c.writeXml(out);
    }
  }

  /** Stops YARN and deletes its work directory (the localized jars of every application: ~0.3 GB each). */
  @Override
  public void close() throws IOException {
    try {
      client.stop();
    } finally {
      cluster.stop();
      try (Stream<Path> files = Files.walk(cluster.getTestWorkDir().toPath())) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }
}
