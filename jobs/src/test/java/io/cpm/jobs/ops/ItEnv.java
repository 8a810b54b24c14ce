package io.cpm.jobs.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Paths the failsafe configuration in jobs/pom.xml hands to the integration tests. */
final class ItEnv {
  private ItEnv() {}

  private static String property(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("system property " + name + " not set: run integration tests with"
          + " 'mvn verify' (maven-failsafe-plugin in jobs/pom.xml sets it)");
    }
    return value;
  }

  /** The shaded spark-submit jar built by the package phase. */
  static Path appJar() {
    Path jar = Paths.get(property("cpm.it.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("shaded jar " + jar + " missing: integration tests run after package");
    }
    return jar;
  }

  /** Spark, Hadoop, hadoop-aws and Scala jars: what a cluster provides, the app jar not included. */
  static String sparkClasspath() {
    return read(property("cpm.it.spark-classpath"));
  }

  /** Everything the embedded launcher (./cpm) puts beside the app jar. */
  static String runtimeClasspath() {
    return read(property("cpm.it.runtime-classpath"));
  }

  static Path s3proxyJar() {
    return Paths.get(property("cpm.it.s3proxy"));
  }

  static String jvmOpens() {
    return property("cpm.it.jvm-opens");
  }

  /** A fresh directory under target/it for one test. */
  static Path newWorkDirectory(String name) {
    try {
      Path root = Files.createDirectories(Paths.get(property("cpm.it.work")));
      return Files.createTempDirectory(root, name + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A port free on 127.0.0.1 right now. */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(String file) {
    try {
      return Files.readString(Paths.get(file)).trim();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + " (written by the package phase)", e);
    }
  }
}
