package io.cpm.jobs.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cpm.jobs.CliRunner;
import io.cpm.jobs.ExitCode;
import io.cpm.jobs.Main;
import io.cpm.jobs.RepoFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The Airflow DAG and the CLI agree: every SparkSubmit task's application_args (read from the DAG file by
 * airflow-dags/tests/dag_contract.py, no Airflow needed) parse and validate with {@code --dry-run}; the
 * Python unit tests of the DAG folder pass, and the DagBag import test runs where Airflow is importable.
 */
class AirflowDagTest {
  private static final String RUN_DATE = "2025-03-31";
  private static final Path DAGS = RepoFiles.path("airflow-dags");

  @Test
  void everyDagTaskRunsThroughTheCliDryRun() throws Exception {
    Python.Result contract = Python.run(DAGS.resolve("tests"), "dag_contract.py");
    assertThat(contract.exitCode()).as(contract.output()).isZero();
    JsonNode tasks = new ObjectMapper().readTree(contract.stdout()).get("tasks");
    Set<String> cliCommands = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))
        .getSubcommands().keySet();

    List<String> failures = new ArrayList<>();
    int submitTasks = 0;
    for (JsonNode task : tasks) {
      if (task.get("application_args").isNull()) {
        continue;
      }
      submitTasks++;
      String taskId = task.get("task_id").asText();
      assertThat(task.get("java_class").asText()).as(taskId).isEqualTo(Main.class.getName());
      List<String> args = new ArrayList<>();
      task.get("application_args").forEach(arg -> args.add(render(arg.asText())));
      args.add("--dry-run");
      if (!cliCommands.contains(args.get(0))) {
        failures.add(taskId + ": the DAG runs 'cpm " + args.get(0) + "' but the CLI has no such command"
            + " (it has " + cliCommands + ")");
        continue;
      }
      CliRunner.Result result = CliRunner.run(args.toArray(String[]::new));
      if (result.exitCode() != ExitCode.OK) {
        failures.add(taskId + ": 'cpm " + String.join(" ", args) + "' exited " + result.exitCode() + ": "
            + result.err().strip());
      } else {
        assertThat(result.out()).as(taskId).contains("dry run").contains("--run-date " + RUN_DATE);
      }
    }
    assertThat(submitTasks).as("SparkSubmit tasks found in the DAG").isGreaterThanOrEqualTo(7);
    if (!failures.isEmpty()) {
      fail("DAG and CLI disagree:\n  " + String.join("\n  ", failures));
    }
  }

  /**
   * Every cpm command writes the shared Delta audit tables; on S3 with the default log store, writers of one table
   * must not run at once in different drivers. So any two cpm tasks of the DAG must be ordered (one upstream of the
   * other), whatever the pool size.
   */
  @Test
  void noTwoCpmTasksCanRunAtTheSameTime() throws Exception {
    Python.Result contract = Python.run(DAGS.resolve("tests"), "dag_contract.py");
    assertThat(contract.exitCode()).as(contract.output()).isZero();
    java.util.Map<String, List<String>> upstream = new java.util.HashMap<>();
    List<String> cpmTasks = new ArrayList<>();
    for (JsonNode task : new ObjectMapper().readTree(contract.stdout()).get("tasks")) {
      List<String> parents = new ArrayList<>();
      task.get("upstream").forEach(u -> parents.add(u.asText()));
      upstream.put(task.get("task_id").asText(), parents);
      if (!task.get("application_args").isNull()) {
        cpmTasks.add(task.get("task_id").asText());
      }
    }
    List<String> concurrent = new ArrayList<>();
    for (int i = 0; i < cpmTasks.size(); i++) {
      for (int j = i + 1; j < cpmTasks.size(); j++) {
        String a = cpmTasks.get(i);
        String b = cpmTasks.get(j);
        if (!ancestors(b, upstream).contains(a) && !ancestors(a, upstream).contains(b)) {
          concurrent.add(a + " || " + b);
        }
      }
    }
    assertThat(concurrent).as("cpm tasks that may run at once and append to the same Delta tables").isEmpty();
  }

  private static Set<String> ancestors(String task, java.util.Map<String, List<String>> upstream) {
    Set<String> seen = new java.util.HashSet<>();
    java.util.Deque<String> todo = new java.util.ArrayDeque<>(upstream.getOrDefault(task, List.of()));
    while (!todo.isEmpty()) {
      String next = todo.pop();
      if (seen.add(next)) {
        todo.addAll(upstream.getOrDefault(next, List.of()));
      }
    }
    return seen;
  }

  @Test
  void operatorExitCodeMappingUnitTestsPass() throws Exception {
    Python.Result result = Python.run(DAGS.resolve("tests"), "-m", "unittest", "-v", "test_exit_codes");
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("OK").doesNotContain("skipped");
  }

  @Test
  void dagBagImportsWithoutErrorsWhereAirflowIsInstalled() throws Exception {
    Python.Result result = Python.run(DAGS.resolve("tests"), "-m", "unittest", "-v", "test_dagbag");
    assertThat(result.exitCode()).as(result.output()).isZero();
    Assumptions.assumeFalse(result.output().contains("skipped 'Airflow not importable'"),
        "DagBag test skipped: Airflow not importable by python3 on this machine");
    assertThat(result.output()).contains("OK").doesNotContain("skipped");
  }

  /** Renders the Jinja templates the DAG uses the way Airflow would for logical date {@link #RUN_DATE}. */
  private static String render(String arg) {
    String rendered = arg.replace("{{ ds }}", RUN_DATE)
        .replace("{{ var.value.cpm_config }}", RepoFiles.path("conf/cluster.conf").toString());
    if (rendered.contains("{{")) {
      throw new AssertionError("template not known to this test: " + arg);
    }
    return rendered;
  }

  /** Runs python3 (no bytecode files) in a directory; a machine without python3 skips, saying so. */
  static final class Python {
    record Result(int exitCode, String stdout, String stderr) {
      String output() {
        return stdout + stderr;
      }
    }

    static Result run(Path directory, String... args) throws IOException, InterruptedException {
      List<String> command = new ArrayList<>(List.of("python3", "-B"));
      command.addAll(List.of(args));
      Process process;
      try {
        process = new ProcessBuilder(command).directory(directory.toFile()).start();
      } catch (IOException e) {
        Assumptions.abort("python3 not available: " + e.getMessage());
        throw e;
      }
      process.getOutputStream().close();
      byte[] out = process.getInputStream().readAllBytes();
      byte[] err = process.getErrorStream().readAllBytes();
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError("python3 " + String.join(" ", args) + " did not finish in 2 minutes");
      }
      return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8),
          new String(err, StandardCharsets.UTF_8));
    }
  }
}
