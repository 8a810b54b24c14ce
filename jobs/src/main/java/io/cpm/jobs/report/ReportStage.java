package io.cpm.jobs.report;

import io.cpm.jobs.common.BuildVersion;
import io.cpm.jobs.pipeline.PipelineContext;
import io.cpm.jobs.pipeline.Stage;
import io.cpm.jobs.pipeline.StageResult;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * {@code report}: writes {@code <paths.reports>/<D>/index.html} ({@link RunReport}) through Hadoop's
 * FileSystem, to a temporary name first and renamed into place, so a reader never sees half a page.
 */
public final class ReportStage implements Stage {
  public static final String NAME = "report";
  public static final String FILE = "index.html";

  private final ReportSettings settings;
  /** KPI targets as the report shows them, by KPI name (see {@link #kpiTargets}). */
  private final Map<String, String> kpiTargets;

  public ReportStage(ReportSettings settings, Map<String, String> kpiTargets) {
    this.settings = java.util.Objects.requireNonNull(settings, "settings");
    this.kpiTargets = Map.copyOf(kpiTargets);
  }

  /** The stage with the {@code report} settings and the {@code kpis.targets} of {@code config}. */
  public static ReportStage from(io.cpm.jobs.config.CpmConfig config) {
    return new ReportStage(ReportSettings.from(config.section(NAME)), kpiTargets(config.raw()));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public StageResult run(PipelineContext context) {
    RunReport report = new RunReport(context.tables(), context.runDate(), settings, kpiTargets);
    String html = report.html(BuildVersion.version());
    String file = write(context, html);
    return new StageResult(NAME, 1, Map.of("report", file), List.of());
  }

  /**
   * KPI targets from the kpis stage's config ({@code kpis.targets.<kpi> { min = x, max = y }}) as text for the
   * report: "≥ 3", "≤ 4" or "3 – 5".
   */
  static Map<String, String> kpiTargets(com.typesafe.config.Config config) {
    Map<String, String> targets = new java.util.TreeMap<>();
    if (!config.hasPath("kpis.targets")) {
      return targets;
    }
    com.typesafe.config.Config all = config.getConfig("kpis.targets");
    for (String kpi : all.root().keySet()) {
      com.typesafe.config.Config target = all.getConfig(com.typesafe.config.ConfigUtil.quoteString(kpi));
      String min = target.hasPath("min") ? Html.number(target.getDouble("min"), 2) : null;
      String max = target.hasPath("max") ? Html.number(target.getDouble("max"), 2) : null;
      if (min != null || max != null) {
        targets.put(kpi, min != null && max != null ? min + " – " + max : min != null ? "≥ " + min : "≤ " + max);
      }
    }
    return targets;
  }

  /** {@code <reports>/<D>/index.html}; a relative reports root is taken from the working directory. */
  public static String location(String reportsRoot, LocalDate runDate) {
    String root = reportsRoot.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") ? reportsRoot
        : java.nio.file.Paths.get(reportsRoot).toAbsolutePath().normalize().toUri().toString();
    return (root.endsWith("/") ? root : root + "/") + runDate + "/" + FILE;
  }

  private static String write(PipelineContext context, String html) {
    Path target = new Path(location(context.config().reportsRoot(), context.runDate()));
    Path temporary = new Path(target.getParent(), "_" + FILE + ".tmp-" + java.util.UUID.randomUUID());
    try (FileSystem fs = FileSystem.newInstance(target.toUri(),
        context.spark().sparkContext().hadoopConfiguration())) {
      fs.setWriteChecksum(false);
      fs.mkdirs(target.getParent());
      try (OutputStream out = fs.create(temporary, true)) {
        out.write(html.getBytes(StandardCharsets.UTF_8));
      }
      fs.delete(target, false);
      if (!fs.rename(temporary, target)) {
        throw new IOException("rename " + temporary + " -> " + target + " failed");
      }
      return target.toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write report " + target + ": " + e.getMessage(), e);
    }
  }
}
