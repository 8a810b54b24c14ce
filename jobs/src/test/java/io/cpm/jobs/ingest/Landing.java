package io.cpm.jobs.ingest;

import io.cpm.jobs.CliRunner;
import io.cpm.metrics.testing.TestSpark;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/** A scratch landing folder and warehouse for ingest tests, plus the CLI call that ingests into them. */
final class Landing {
  final Path root;
  final Path landing;
  final Path warehouse;
  final String database;
  private final StringBuilder config = new StringBuilder();

  Landing(String name) {
    root = TestSpark.newDirectory(name);
    landing = root.resolve("landing");
    warehouse = root.resolve("warehouse");
    database = "ingest_" + root.getFileName().toString().replaceAll("[^A-Za-z0-9]", "_").toLowerCase();
    // Tests deliver only the files they need; the run-wide gate is set per test.
    config.append("ingest.mapping-defaults.required = false\n");
  }

  Landing config(String hocon) {
    config.append(hocon).append('\n');
    return this;
  }

  /** Writes a text file in UTF-8 (and creates every source folder of the date: all files are optional) (lines joined with \n, trailing newline). */
  Landing file(String date, String source, String name, String... lines) {
    return bytes(date, source, name, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
  }

  Landing file(String date, String source, String name, Charset charset, String... lines) {
    return bytes(date, source, name, (String.join("\n", lines) + "\n").getBytes(charset));
  }

  Landing gzip(String date, String source, String name, String... lines) {
    return bytes(date, source, name, gzipped((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8)));
  }

  Landing bytes(String date, String source, String name, byte[] content) {
    try {
      for (String each : io.cpm.metrics.schema.Entity.sources()) {
        Files.createDirectories(landing.resolve(date).resolve(each));
      }
      Path dir = landing.resolve(date).resolve(source);
      Files.write(dir.resolve(name), content);
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] gzipped(byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Copies a landing tree ({@code <date>/<folder>/<file>}) into this landing folder. */
  Landing copyFrom(Path tree) {
    try (java.util.stream.Stream<Path> files = Files.walk(tree)) {
      for (Path from : files.filter(Files::isRegularFile).toList()) {
        Path to = landing.resolve(tree.relativize(from).toString());
        Files.createDirectories(to.getParent());
        Files.copy(from, to);
      }
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs {@code cpm ingest --run-date date} (plus extra args) against this landing folder and warehouse. */
  CliRunner.Result ingest(String date, String... extra) {
    return run("ingest", date, extra);
  }

  /** Runs {@code cpm <command> --run-date date} (plus extra args) against this landing folder and warehouse. */
  CliRunner.Result run(String command, String date, String... extra) {
    try {
      Path file = root.resolve("test.conf");
      Files.writeString(file, config.toString());
      List<String> args = new ArrayList<>(List.of(command, "--run-date", date, "--config", file.toString(),
          "--set", "paths.landing=" + landing, "--set", "paths.warehouse=" + warehouse,
          "--set", "catalog.database=" + database));
      args.addAll(List.of(extra));
      return CliRunner.run(args.toArray(String[]::new));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
