package org.scoresde.spark;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scoresde.config.UserError;
import org.scoresde.testing.CliRun;

/**
 * {@code --master yarn} from the launcher: without HADOOP_CONF_DIR or YARN_CONF_DIR, or without Spark's
 * YARN module, one error line before Spark starts (Spark would otherwise retry 0.0.0.0:8032, or fail
 * with "Could not parse Master URL"). The run on a real YARN is YarnClusterTest.
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
        () -> YarnMaster.check("yarn", Map.of("HADOOP_CONF_DIR", "/etc/hadoop/conf"), false));
    assertTrue(e.getMessage().contains("Spark's YARN module (spark-yarn_2.12)"), e.getMessage());
  }

  @Test
  void eitherDirectoryWithTheModuleIsEnoughAndOtherMastersAreNotChecked() {
    YarnMaster.check("yarn", Map.of("HADOOP_CONF_DIR", "/etc/hadoop/conf"), true);
    YarnMaster.check("yarn", Map.of("YARN_CONF_DIR", "/etc/hadoop/conf"), true);
    YarnMaster.check("local[2]", Map.of(), false);
    YarnMaster.check("spark://host:7077", Map.of(), false);
    assertThrows(UserError.class, () -> YarnMaster.check("yarn", Map.of("HADOOP_CONF_DIR", " "), true));
  }

  @Test
  void theModuleIsOnTheTestClassPath() {
    // what spark-yarn (provided) gives the test class path and a YARN cluster's Spark gives the job
    YarnMaster.check("yarn", Map.of("HADOOP_CONF_DIR", "/etc/hadoop/conf"));
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
