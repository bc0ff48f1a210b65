package org.scoresde.cli;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.LoggerConfig;

/**
 * {@code --verbose}: brings back to the console what conf/log4j2.properties sends to the log file
 * only (known-harmless warnings, each failed Spark task's report, Hadoop and Parquet warnings), and
 * the stack trace under a failure's error line. Logging is the process's, so this is too.
 */
final class ConsoleLogging {
  static final String VERBOSE_PROPERTY = "score.sde.verbose";

  private ConsoleLogging() {}

  static void verbose() {
    System.setProperty(VERBOSE_PROPERTY, "true");
    if (!(LogManager.getContext(false) instanceof LoggerContext ctx)) {
      return;
    }
    for (LoggerConfig logger : ctx.getConfiguration().getLoggers().values()) {
      logger.setAdditive(true);
      if (logger.getLevel() != null && logger.getLevel().isMoreSpecificThan(Level.ERROR)) {
        logger.setLevel(Level.WARN);
      }
    }
    ctx.updateLoggers();
  }

  static boolean isVerbose() {
    return Boolean.getBoolean(VERBOSE_PROPERTY);
  }
}
