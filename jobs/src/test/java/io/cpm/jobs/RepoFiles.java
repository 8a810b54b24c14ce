package io.cpm.jobs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Locates files of the repository (conf/, sample-data/) from a module's test run. */
public final class RepoFiles {
  private RepoFiles() {}

  public static Path root() {
    String configured = System.getProperty("cpm.repo.root");
    Path start = configured != null ? Paths.get(configured) : Paths.get("").toAbsolutePath();
    for (Path p = start.toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("conf")) && Files.isRegularFile(p.resolve("pom.xml"))
          && Files.isDirectory(p.resolve("jobs"))) {
        return p;
      }
    }
    throw new IllegalStateException("repository root not found from " + start);
  }

  public static Path path(String relative) {
    return root().resolve(relative);
  }
}
