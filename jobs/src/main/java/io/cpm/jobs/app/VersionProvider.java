package io.cpm.jobs.app;

import io.cpm.jobs.common.BuildVersion;
import picocli.CommandLine.IVersionProvider;

/** {@code cpm --version}: the build version ({@link BuildVersion}), Spark and Java. */
public final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {"cpm " + BuildVersion.version(), "Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION()
        + ", Java " + System.getProperty("java.version")};
  }
}
