package org.scoresde.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * main in YARN's application master (cluster deploy mode) returns on success and throws on failure
 * instead of calling System.exit, which YARN would record as FAILED whatever the code (YarnClusterTest
 * runs it for real; with System.exit there, the shard application ended FAILED, "Shutdown hook called
 * before final status was reported").
 */
class ProcessExitTest {

  @Test
  void inTheApplicationMasterSuccessReturnsAndFailureThrows() {
    assertFalse(ProcessExit.inYarnApplicationMaster());
    // what Spark's ApplicationMaster sets before it calls the main class in cluster deploy mode
    System.setProperty("spark.yarn.app.id", "application_1_0001");
    System.setProperty("spark.submit.deployMode", "cluster");
    try {
      assertTrue(ProcessExit.inYarnApplicationMaster());
      ProcessExit.exit(0);
      ProcessExit.CommandFailed e = assertThrows(ProcessExit.CommandFailed.class, () -> ProcessExit.exit(2));
      assertTrue(e.getMessage().contains("exited with code 2"), e.getMessage());
    } finally {
      System.clearProperty("spark.yarn.app.id");
      System.clearProperty("spark.submit.deployMode");
    }
  }

  @Test
  void clientDeployModeIsNotTheApplicationMaster() {
    // in client mode the driver is the submitting JVM: spark.yarn.app.id may be set there, the deploy mode is client
    System.setProperty("spark.yarn.app.id", "application_1_0001");
    System.setProperty("spark.submit.deployMode", "client");
    try {
      assertFalse(ProcessExit.inYarnApplicationMaster());
    } finally {
      System.clearProperty("spark.yarn.app.id");
      System.clearProperty("spark.submit.deployMode");
    }
  }
}
