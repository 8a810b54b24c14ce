package io.cpm.jobs.cli;

import org.apache.logging.log4j.LogManager;

/**
 * The console's share of the log: {@code conf/log4j2.properties} sends Spark's, Hadoop's and Delta's warnings
 * to the log file only and shows errors on the console, at the level of the system property
 * {@value #CONSOLE_LEVEL}. {@code --verbose} lowers that level to warn and reloads the logging configuration.
 */
public final class ConsoleLogging {
  /** The system property {@code conf/log4j2.properties} reads for the console appender's level. */
  public static final String CONSOLE_LEVEL = "cpm.console.level";

  private ConsoleLogging() {}

  /** Shows warnings on the console too; a configuration that does not use the property is unaffected. */
  public static void verbose() {
    System.setProperty(CONSOLE_LEVEL, "warn");
    if (LogManager.getContext(false) instanceof org.apache.logging.log4j.core.LoggerContext context) {
      context.reconfigure();
    }
  }
}
