package org.scoresde.spark;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.scoresde.nn.OneDnn;

/**
 * Starts the Spark session of a job: the given master (local[*] by default), or whatever
 * spark-submit already configured; with the settings ND4J and DL4J need on every executor (one
 * OpenMP thread per task, and the driver's choice of libnd4j build unless spark-submit chose one),
 * and, for a cluster master, the application's jars as spark.jars unless they were given (for YARN
 * without SPARK_HOME or Spark's jars configured: Spark's jars from lib/spark and the application's as
 * spark.yarn.jars, the containers' class path).
 */
public final class SparkSessions {
  private SparkSessions() {}

  /** A session for {@code appName}; {@code master} is ignored when spark-submit set spark.master. */
  public static SparkSession create(String appName, String master) {
    SparkConf conf = new SparkConf(true).setAppName("score-sde " + appName);
    conf.setIfMissing("spark.ui.enabled", "false");
    conf.setIfMissing("spark.sql.shuffle.partitions", "8");
    conf.setIfMissing("spark.executorEnv.OMP_NUM_THREADS", "1");
    // idle OpenMP threads sleep: spinning ones collapse a team whose core another process shares (BENCHMARKS.md)
    conf.setIfMissing("spark.executorEnv.OMP_WAIT_POLICY", "PASSIVE");
    String nativeVariant = OneDnn.selectPlatform();
    String executorOptions = conf.get("spark.executor.extraJavaOptions", "");
    if (!nativeVariant.isEmpty() && !executorOptions.contains(OneDnn.EXTENSION_PROPERTY)) {
      conf.set("spark.executor.extraJavaOptions",
          (executorOptions + " -D" + OneDnn.EXTENSION_PROPERTY + "=" + nativeVariant).trim());
    }
    String executorExtension = executorExtension(conf.get("spark.executor.extraJavaOptions", ""));
    boolean containersHaveApplicationJars = false;
    if (!conf.contains("spark.master")) {
      String m = master == null ? "local[*]" : master;
      if ("yarn".equals(m) && !conf.contains("spark.yarn.archive") && !conf.contains("spark.yarn.jars")
          && System.getenv("SPARK_HOME") == null) {
        // the containers' class path, as the launcher's: Spark's jars and the application's (one libnd4j build)
        Optional<String> spark = ApplicationJars.sparkJarsBesideRunningJar();
        Optional<List<Path>> jars = ApplicationJars.ofRunningJar(executorExtension);
        if (spark.isPresent() && jars.isPresent()) {
          conf.set("spark.yarn.jars", spark.get() + "," + uris(jars.get()));
          containersHaveApplicationJars = true;
        }
      }
      YarnMaster.check(m, System.getenv(), conf);
      conf.setMaster(m);
    }
    if (conf.get("spark.master").startsWith("local")) {
      conf.setIfMissing("spark.driver.host", "127.0.0.1");
      conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
    } else if (!containersHaveApplicationJars && !conf.contains("spark.jars")) {
      ApplicationJars.ofRunningJar(executorExtension).ifPresent(jars -> conf.set("spark.jars", uris(jars)));
    }
    return SparkSession.builder().config(conf).getOrCreate();
  }

  private static String uris(List<Path> jars) {
    return jars.stream().map(p -> p.toUri().toString()).collect(Collectors.joining(","));
  }

  /** The libnd4j build executors load: the extension their JVM options name ("" for the plain build). */
  static String executorExtension(String executorOptions) {
    Matcher m = Pattern.compile("-D" + Pattern.quote(OneDnn.EXTENSION_PROPERTY) + "=(\\S*)").matcher(executorOptions);
    return m.find() ? m.group(1) : "";
  }

  /**
   * The Hadoop configuration of a command that runs no Spark job (report, classifier): Hadoop's own
   * files on the class path, then every {@code spark.hadoop.*} property of the JVM or spark-submit
   * without its prefix, as a job's session would have it (e.g. the fs.s3a.* settings of an S3 endpoint).
   */
  public static Configuration hadoopConfiguration() {
    Configuration hadoop = new Configuration();
    for (scala.Tuple2<String, String> kv : new SparkConf(true).getAllWithPrefix("spark.hadoop.")) {
      hadoop.set(kv._1(), kv._2());
    }
    return hadoop;
  }
}
