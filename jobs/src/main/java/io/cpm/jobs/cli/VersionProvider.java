package io.cpm.jobs.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** Reads the build version stamped into {@code cpm-version.properties} by Maven. */
public final class VersionProvider implements IVersionProvider {
  public static String version() {
    Properties properties = new Properties();
    try (InputStream in = VersionProvider.class.getClassLoader().getResourceAsStream("cpm-version.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      return "unknown";
    }
    return properties.getProperty("version", "unknown");
  }

  @Override
  public String[] getVersion() {
    return new String[] {"cpm " + version(), "Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION()
        + ", Java " + System.getProperty("java.version")};
  }
}
