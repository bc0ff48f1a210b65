package org.scoresde.spark;

import java.util.Map;
import org.scoresde.config.UserError;

/**
 * {@code --master yarn} when the command itself starts Spark (the launcher: client deploy mode, the driver
 * on this machine). Spark's YARN client finds the ResourceManager and the default filesystem in the
 * Hadoop configuration on the class path, which the launcher takes from HADOOP_CONF_DIR and YARN_CONF_DIR
 * as bin/spark-class does; without either Spark would wait on 0.0.0.0:8032, so the command refuses first,
 * as spark-submit does. Under spark-submit the master is spark-submit's and none of this applies.
 */
public final class YarnMaster {
  /** The class Spark loads for master "yarn": present when Spark's YARN module is on the class path. */
  static final String CLUSTER_MANAGER = "org.apache.spark.scheduler.cluster.YarnClusterManager";

  private YarnMaster() {}

  /** Refuses {@code master} "yarn" without a Hadoop configuration directory or without Spark's YARN module. */
  public static void check(String master, Map<String, String> env) {
    check(master, env, moduleLoaded());
  }

  static void check(String master, Map<String, String> env, boolean module) {
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
