package org.scoresde.spark;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.scoresde.config.UserError;

/**
 * {@code --master yarn} when the command itself starts Spark (the launcher: client deploy mode, the driver
 * on this machine). Spark's YARN client finds the ResourceManager and the default filesystem in the
 * Hadoop configuration on the class path, which the launcher takes from HADOOP_CONF_DIR and YARN_CONF_DIR
 * as bin/spark-class does; without either Spark would wait on 0.0.0.0:8032, so the command refuses first,
 * as spark-submit does. The containers need Spark's own jars too: spark.yarn.archive or spark.yarn.jars
 * (the launcher's session sets lib/spark/*.jar), else Spark uploads SPARK_HOME/jars (and, without
 * SPARK_HOME, fails on a "jars" directory it cannot find).
 * Under spark-submit the master is spark-submit's and none of this applies.
 */
public final class YarnMaster {
  /** The class Spark loads for master "yarn": present when Spark's YARN module is on the class path. */
  static final String CLUSTER_MANAGER = "org.apache.spark.scheduler.cluster.YarnClusterManager";

  private YarnMaster() {}

  /** Refuses {@code master} "yarn" without a Hadoop configuration, Spark's YARN module, or Spark's jars for the containers. */
  public static void check(String master, Map<String, String> env, SparkConf conf) {
    if ("yarn".equals(master)) {
      check(master, env, conf.contains("spark.yarn.archive") || conf.contains("spark.yarn.jars"), moduleLoaded());
    }
  }

  static void check(String master, Map<String, String> env, boolean sparkJarsSet, boolean module) {
    if (!"yarn".equals(master)) {
      return;
    }
    if (blank(env.get("HADOOP_CONF_DIR")) && blank(env.get("YARN_CONF_DIR"))) {
      throw new UserError("--master yarn needs HADOOP_CONF_DIR or YARN_CONF_DIR set to the directory of the cluster's"
          + " core-site.xml and yarn-site.xml");
    }
    if (!module) {
      throw new UserError("--master yarn needs Spark's YARN module (spark-yarn_2.12) on the class path; or run the job"
          + " with spark-submit --properties-file conf/spark/yarn.conf from a Spark distribution built with YARN");
    }
    if (!sparkJarsSet && blank(env.get("SPARK_HOME"))) {
      throw new UserError("--master yarn needs Spark's jars for the YARN containers: set spark.yarn.archive or"
          + " spark.yarn.jars (e.g. SCORE_SDE_JAVA_OPTS=-Dspark.yarn.jars=hdfs:///apps/spark/jars/*), or SPARK_HOME");
    }
  }

  private static boolean moduleLoaded() {
    try {
      Class.forName(CLUSTER_MANAGER, false, YarnMaster.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
