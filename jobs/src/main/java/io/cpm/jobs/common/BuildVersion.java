package io.cpm.jobs.common;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The build version stamped into {@code cpm-version.properties} by Maven; stages write it into what they
 * produce (the CRM manifest, the run report), the CLI prints it for {@code --version}.
 */
public final class BuildVersion {
  private BuildVersion() {}

  public static String version() {
    Properties properties = new Properties();
    try (InputStream in = BuildVersion.class.getClassLoader().getResourceAsStream("cpm-version.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      return "unknown";
    }
    return properties.getProperty("version", "unknown");
  }
}
