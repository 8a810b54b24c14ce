package io.cpm.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package rules of docs/architecture.md, checked on the jobs sources (starts no Spark): the framework
 * packages know no stage, only the composition root ({@code app}) names the stages, and a command lives with
 * the stage or tool it runs.
 */
class ArchitectureTest {
  /** Packages of stages and tools: each may use the framework, none is used by the framework. */
  private static final Set<String> PLUG_INS = Set.of("features", "ingest", "kpis", "maintenance", "publish",
      "report", "sample", "scoring", "segment", "sql");
  /** The framework and shared packages. */
  private static final Set<String> FRAMEWORK = Set.of("pipeline", "cli", "config", "storage", "spark", "common");
  private static final Pattern REFERENCE = Pattern.compile("\\bio\\.cpm\\.jobs\\.([a-z]+)\\.[A-Za-z]");

  @Test
  void everyPackageIsEitherFrameworkPlugInOrTheCompositionRoot() {
    Set<String> known = new TreeSet<>(PLUG_INS);
    known.addAll(FRAMEWORK);
    known.add("app");
    assertThat(references().keySet()).isSubsetOf(known);
  }

  @Test
  void theFrameworkPackagesKnowNoStageAndNoCompositionRoot() {
    Map<String, Set<String>> references = references();
    for (String framework : FRAMEWORK) {
      assertThat(references.getOrDefault(framework, Set.of())).as(framework + " refers to")
          .doesNotContainAnyElementsOf(PLUG_INS).doesNotContain("app");
    }
  }

  @Test
  void onlyMainUsesTheCompositionRoot() {
    Map<String, Set<String>> references = references();
    for (Map.Entry<String, Set<String>> e : references.entrySet()) {
      if (!e.getKey().equals("app")) {
        assertThat(e.getValue()).as(e.getKey() + " refers to").doesNotContain("app");
      }
    }
  }

  @Test
  void noTwoPackagesDependOnEachOther() {
    Map<String, Set<String>> references = references();
    for (Map.Entry<String, Set<String>> e : references.entrySet()) {
      for (String other : e.getValue()) {
        assertThat(references.getOrDefault(other, Set.of())).as(other + " and " + e.getKey() + " refer to each other")
            .doesNotContain(e.getKey());
      }
    }
  }

  @Test
  void commandsLiveWithTheirStageOrToolAndTheRootInApp() {
    List<String> misplaced = new ArrayList<>();
    for (Path file : sources()) {
      String name = file.getFileName().toString();
      String pkg = packageOf(file);
      boolean command = read(file).contains("@Command(");
      if (command && FRAMEWORK.contains(pkg)) {
        misplaced.add(pkg + "/" + name + " (framework packages hold only the shared bases and options)");
      }
      if (command && pkg.equals("app") && !Set.of("CpmCommand.java", "NightlyCommand.java").contains(name)) {
        misplaced.add(pkg + "/" + name + " (app holds only the root command and the nightly)");
      }
      if (name.endsWith("Command.java") && pkg.isEmpty()) {
        misplaced.add(name);
      }
    }
    assertThat(misplaced).isEmpty();
  }

  /**
   * The settings rule: a stage gets typed settings when the pipeline is assembled, so it never reads a config
   * section (or the raw config) through its {@code PipelineContext} while running; only run-wide typed values
   * (paths, seed) come from {@code context.config()}.
   */
  @Test
  void noStageReadsConfigSectionsWhileRunning() {
    Pattern rawRead = Pattern.compile("config\\(\\)\\s*\\.\\s*(section|raw)\\(");
    List<String> offenders = new ArrayList<>();
    for (Path file : sources()) {
      Matcher m = rawRead.matcher(read(file));
      while (m.find()) {
        offenders.add(root().relativize(file) + ": " + m.group());
      }
    }
    assertThat(offenders).isEmpty();
  }

  /** Package (below io.cpm.jobs) to the other packages its main sources name. */
  private static Map<String, Set<String>> references() {
    Map<String, Set<String>> references = new TreeMap<>();
    for (Path file : sources()) {
      String pkg = packageOf(file);
      if (pkg.isEmpty()) {
        continue; // Main, CpmException, ExitCode
      }
      Set<String> used = references.computeIfAbsent(pkg, k -> new TreeSet<>());
      Matcher m = REFERENCE.matcher(read(file));
      while (m.find()) {
        if (!m.group(1).equals(pkg)) {
          used.add(m.group(1));
        }
      }
    }
    return references;
  }

  private static Path root() {
    return RepoFiles.path("jobs/src/main/java/io/cpm/jobs");
  }

  private static String packageOf(Path file) {
    Path relative = root().relativize(file.getParent());
    return relative.getNameCount() == 0 || relative.toString().isEmpty() ? "" : relative.getName(0).toString();
  }

  private static List<Path> sources() {
    try (Stream<Path> walk = Files.walk(root())) {
      List<Path> files = walk.filter(p -> p.toString().endsWith(".java")).toList();
      assertThat(files).as("sources found").hasSizeGreaterThan(50);
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
