package org.scoresde.testing;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import scala.Option;

/**
 * Stops the JVM's Spark session after a test class that ran jobs in it ({@code @ExtendWith(StopsSpark.class)}),
 * so that the next class starts one with its own settings; does nothing when none was started.
 */
public final class StopsSpark implements AfterAllCallback {
  @Override
  public void afterAll(ExtensionContext context) {
    for (Option<SparkSession> session : java.util.List.of(SparkSession.getActiveSession(), SparkSession.getDefaultSession())) {
      if (session.isDefined()) {
        session.get().stop();
      }
    }
  }
}
