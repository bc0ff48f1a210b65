package org.scoresde.spark;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scoresde.config.UserError;
import org.scoresde.testing.CliRun;

/**
 * {@code --master yarn} from the launcher: without HADOOP_CONF_DIR or YARN_CONF_DIR, without Spark's
 * YARN module, or without Spark's jars for the containers, one error line before Spark starts (Spark
 * would otherwise retry 0.0.0.0:8032, fail with "Could not parse Master URL", or look for a jars
 * directory). The run on a real YARN (spark-submit, cluster deploy mode) is YarnClusterTest.
 */
class YarnMasterTest {

  @Test
  void withoutAHadoopConfigurationDirectoryTheCommandRefusesBeforeSparkStarts(@TempDir Path dir) throws Exception {
    assumeTrue(blank(System.getenv("HADOOP_CONF_DIR")) && blank(System.getenv("YARN_CONF_DIR")),
        "this JVM's environment names a Hadoop configuration directory");
    Path csv = Files.writeString(dir.resolve("toy.csv"), "0.1,0.2\n0.3,0.4\n");
    Path out = dir.resolve("shards");
    String line = CliRun.assertOneError("shard --master yarn without HADOOP_CONF_DIR", "shard", "--master", "yarn",
        "--format", "csv", "--input", csv.toString(), "--output", out.toString(), "--shards", "1");
    assertTrue(line.contains("--master yarn needs HADOOP_CONF_DIR or YARN_CONF_DIR"), line);
    assertFalse(Files.exists(out), "the refused command wrote " + out);
  }

  @Test
  void withoutSparksYarnModuleTheCommandSaysWhatIsMissing() {
    UserError e = assertThrows(UserError.class,
        () -> YarnMaster.check("yarn", Map.of("HADOOP_CONF_DIR", "/etc/hadoop/conf"), true, false));
    assertTrue(e.getMessage().contains("Spark's YARN module (spark-yarn_2.12)"), e.getMessage());
  }

  @Test
  void withoutSparksJarsForTheContainersTheCommandSaysWhereToSetThem() {
    UserError e = assertThrows(UserError.class,
        () -> YarnMaster.check("yarn", Map.of("HADOOP_CONF_DIR", "/etc/hadoop/conf"), false, true));
    assertTrue(e.getMessage().contains("set spark.yarn.archive or spark.yarn.jars"), e.getMessage());
    YarnMaster.check("yarn", Map.of("HADOOP_CONF_DIR", "/etc/hadoop/conf", "SPARK_HOME", "/opt/spark"), false, true);
    YarnMaster.check("yarn", Map.of("HADOOP_CONF_DIR", "/etc/hadoop/conf"),
        new SparkConf(false).set("spark.yarn.archive", "hdfs:///apps/spark/spark-libs.zip"));
  }

  @Test
  void eitherDirectoryWithTheModuleIsEnoughAndOtherMastersAreNotChecked() {
    YarnMaster.check("yarn", Map.of("HADOOP_CONF_DIR", "/etc/hadoop/conf"), true, true);
    YarnMaster.check("yarn", Map.of("YARN_CONF_DIR", "/etc/hadoop/conf"), true, true);
    YarnMaster.check("local[2]", Map.of(), false, false);
    YarnMaster.check("spark://host:7077", Map.of(), false, false);
    assertThrows(UserError.class, () -> YarnMaster.check("yarn", Map.of("HADOOP_CONF_DIR", " "), true, true));
  }

  @Test
  void theModuleIsOnTheTestClassPath() {
    // what spark-yarn (provided) gives the test class path, and a YARN cluster's Spark the job
    YarnMaster.check("yarn", Map.of("HADOOP_CONF_DIR", "/etc/hadoop/conf"),
        new SparkConf(false).set("spark.yarn.jars", "hdfs:///apps/spark/jars/*"));
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
