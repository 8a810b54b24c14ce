package io.cpm.jobs.publish;

import io.cpm.jobs.common.BuildVersion;
import io.cpm.jobs.pipeline.PipelineContext;
import io.cpm.jobs.pipeline.Stage;
import io.cpm.jobs.pipeline.StageResult;
import io.cpm.jobs.publish.PublishSettings.ExportMode;
import io.cpm.jobs.sql.SqlCatalog;
import io.cpm.jobs.storage.Tables;
import io.cpm.metrics.schema.GoldTable;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * {@code publish}: writes the CRM score file for the run date ({@link ScoreExport}, {@link CrmFileWriter}),
 * records every customer's exported-values hash in {@code published_scores} (what the next incremental run
 * compares against), and refreshes the analyst catalog: column comments and the {@code customer_360} view.
 *
 * <p>Incremental mode exports the customers that are new or whose hash differs from the latest published
 * run before the run date; rerunning a date therefore gives the same file.
 */
public final class PublishStage implements Stage {
  public static final String NAME = "publish";
  public static final String PUBLISHED_SCORES = GoldTable.PUBLISHED_SCORES.table();

  private final PublishSettings settings;

  public PublishStage(PublishSettings settings) {
    this.settings = java.util.Objects.requireNonNull(settings, "settings");
  }

  /** The stage with the {@code publish} settings of {@code config}. */
  public static PublishStage from(io.cpm.jobs.config.CpmConfig config) {
    return new PublishStage(PublishSettings.from(config.section(NAME)));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public StageResult run(PipelineContext context) {
    LocalDate runDate = context.runDate();
    Tables tables = context.tables();
    List<String> notes = new ArrayList<>();
    ScoreExport.Prepared prepared = ScoreExport.prepare(tables, runDate, settings);
    if (!prepared.excludedPii().isEmpty()) {
      notes.add("personal data not exported (not in publish.crm.pii-allow-list): " + prepared.excludedPii());
    }
    Dataset<Row> rows = prepared.rows().persist();
    try {
      Dataset<Row> exported = rows;
      LocalDate previous = null;
      if (settings.mode() == ExportMode.INCREMENTAL) {
        previous = previousRun(tables, runDate);
        if (previous == null) {
          notes.add("incremental: no published run before " + runDate + ", exporting every customer");
        } else {
          Dataset<Row> before = tables.readRunDate(PUBLISHED_SCORES, previous)
              .select(ScoreExport.CUSTOMER_ID, ScoreExport.ROW_HASH);
          Column unchanged = rows.col(ScoreExport.CUSTOMER_ID).equalTo(before.col(ScoreExport.CUSTOMER_ID))
              .and(rows.col(ScoreExport.ROW_HASH).equalTo(before.col(ScoreExport.ROW_HASH)));
          exported = rows.join(before, unchanged, "left_anti");
          notes.add("incremental: customers changed since the run of " + previous);
        }
      }
      Map<String, Object> manifest = new LinkedHashMap<>();
      manifest.put("run_date", runDate.toString());
      manifest.put("mode", settings.mode().label());
      manifest.put("previous_run_date", previous == null ? null : previous.toString());
      manifest.put("external_id_column", settings.externalIdColumn());
      manifest.put("columns", prepared.headers());
      manifest.put("column_types", prepared.columnTypes());
      manifest.put("excluded_pii_columns", prepared.excludedPii());
      manifest.put("encoding", "UTF-8");
      manifest.put("format", "RFC 4180 CSV, header row, CRLF, ISO-8601 dates, '.' decimals");
      manifest.put("tool_version", BuildVersion.version());

      Iterator<Row> ordered = exported.orderBy(ScoreExport.CUSTOMER_ID).toLocalIterator();
      CrmFileWriter.Written written = new CrmFileWriter(context.spark().sparkContext().hadoopConfiguration())
          .write(directory(context.config().exportsRoot(), runDate), settings.fileName(), prepared.headers(),
              CrmFileWriter.cells(ordered, prepared.headers().size()), manifest);

      tables.replaceRunDate(rows.select(ScoreExport.CUSTOMER_ID, ScoreExport.ROW_HASH), PUBLISHED_SCORES, runDate);

      SqlCatalog.Refreshed catalog = SqlCatalog.refresh(tables);
      notes.addAll(catalog.notes());
      Map<String, String> outputs = new LinkedHashMap<>();
      outputs.put("crm file", written.csv() + " (" + settings.mode().label() + ")");
      outputs.put(PUBLISHED_SCORES, tables.qualifiedName(PUBLISHED_SCORES));
      outputs.put("catalog", catalog.commentedColumns() + " column comments altered"
          + (catalog.customer360() ? ", view " + tables.qualifiedName(SqlCatalog.CUSTOMER_360) : ""));
      return new StageResult(NAME, written.rows(), outputs, notes);
    } finally {
      rows.unpersist();
    }
  }

  /** {@code <exports>/crm/<D>}; a relative export root is taken from the working directory. */
  public static String directory(String exportsRoot, LocalDate runDate) {
    String root = exportsRoot.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") ? exportsRoot
        : java.nio.file.Paths.get(exportsRoot).toAbsolutePath().normalize().toUri().toString();
    return (root.endsWith("/") ? root : root + "/") + "crm/" + runDate;
  }

  private static LocalDate previousRun(Tables tables, LocalDate runDate) {
    if (!tables.exists(PUBLISHED_SCORES)) {
      return null;
    }
    Row max = tables.read(PUBLISHED_SCORES)
        .where(functions.col(Tables.RUN_DATE).lt(functions.lit(java.sql.Date.valueOf(runDate))))
        .agg(functions.max(Tables.RUN_DATE)).first();
    return max.isNullAt(0) ? null : max.getDate(0).toLocalDate();
  }
}
