package io.cpm.jobs;

import io.cpm.jobs.config.CpmConfig;
import io.cpm.jobs.pipeline.PipelineContext;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/** Configs and pipeline contexts for tests that run stages in-process against their own warehouse. */
public final class TestPipelines {
  private TestPipelines() {}

  /** conf/local.conf with the warehouse and catalog database moved into the test's own space, plus overrides. */
  public static CpmConfig localConfig(Path warehouse, String database, String... overrides) {
    List<String> all = new ArrayList<>(List.of("paths.warehouse=" + warehouse, "catalog.database=" + database));
    all.addAll(Arrays.asList(overrides));
    return CpmConfig.load(RepoFiles.path("conf/local.conf"), all);
  }

  /** A context for {@code runDate} whose progress output is discarded. */
  public static PipelineContext quietContext(SparkSession spark, CpmConfig config, LocalDate runDate) {
    return new PipelineContext(spark, config, runDate, new PrintWriter(new StringWriter()));
  }
}
