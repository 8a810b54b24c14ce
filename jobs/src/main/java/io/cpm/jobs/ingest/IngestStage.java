package io.cpm.jobs.ingest;

import io.cpm.jobs.CpmException;
import io.cpm.jobs.config.CpmConfig;
import io.cpm.jobs.features.FeaturesSettings;
import io.cpm.jobs.pipeline.PipelineContext;
import io.cpm.jobs.pipeline.Stage;
import io.cpm.jobs.pipeline.StageResult;
import io.cpm.metrics.schema.Entity;
import io.cpm.metrics.schema.GoldTable;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The ingest stage: reads one run date's exports of the chosen sources from
 * {@code <landing>/<run date>/<source>/}, and writes {@code bronze_<entity>} (raw rows), the silver entity
 * tables (MERGE on business keys, the later record by {@code (_run_date, _source_file, _row_number)} wins),
 * {@code quarantine} (rejected rows with a {@link ReasonCode}) and {@code ingest_runs} (row accounting per
 * file). See docs/ingestion.md.
 *
 * <p>The steps, one class each: {@link ExportLocator} (find the files, exit 4 when the export has not arrived),
 * {@link ExportParser} (headers, then per-row parsing and checks by {@link ExportReader}), {@link CrossRowChecks},
 * {@link QuarantineGate}, {@link IngestWriter} and {@link IngestSummary}. Every file is parsed and checked before
 * anything is written, so a file-level problem (exit 3) or a missing export folder (exit 4) leaves every table
 * unchanged. When the quarantine rate gate fails, bronze, quarantine and ingest_runs are written for inspection
 * but silver is not touched (exit 3).
 */
public final class IngestStage implements Stage {
  public static final String NAME = "ingest";

  private final List<String> sources;
  private final IngestSettings settings;
  /** Currencies the features stage converts: others are quarantined (UNKNOWN_CURRENCY). */
  private final Set<String> knownCurrencies;

  /**
   * Ingests the given sources ({@code crm}, {@code erp}, {@code tickets}); all of them in the nightly run.
   * The mappings are validated here, so a config error surfaces before Spark starts (also on --dry-run).
   */
  public IngestStage(List<String> sources, CpmConfig config) {
    for (String source : sources) {
      if (!Entity.sources().contains(source)) {
        throw CpmException.usage("unknown source '" + source + "' (known: " + String.join(", ", Entity.sources())
            + ")");
      }
    }
    this.sources = List.copyOf(sources);
    this.settings = IngestSettings.from(config);
    this.knownCurrencies = FeaturesSettings.from(config).parameters().rates().keySet();
  }

  /**
   * The source systems the company exports ({@code ingest.sources}; all three by default): a company without a
   * ticket system or an ERP lists the others, and the nightly run does not wait for the missing folders.
   */
  public static IngestStage allSources(CpmConfig config) {
    List<String> sources;
    try {
      sources = config.section(NAME).getStringList("sources");
    } catch (com.typesafe.config.ConfigException e) {
      throw CpmException.usage("invalid ingest.sources in " + config.origin() + ": " + e.getMessage());
    }
    if (sources.isEmpty()) {
      throw CpmException.usage("ingest.sources in " + config.origin() + " is empty: list at least one of "
          + String.join(", ", Entity.sources()));
    }
    return new IngestStage(sources, config);
  }

  @Override
  public boolean writesSilver() {
    return true;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public StageResult run(PipelineContext context) {
    LocalDate runDate = context.runDate();
    ExportLocator.Located located = ExportLocator.locate(settings, sources, context.config().landingRoot(), runDate,
        context.spark().sparkContext().hadoopConfiguration());
    for (String stray : located.strays()) {
      context.progress().step(NAME, stray + ": matches no mapping in sources.<source>.<entity>.file; not read");
    }
    for (EntityWork w : located.work()) {
      if (!w.delivered()) {
        context.progress().step(NAME, w.expectedName(runDate) + ": not delivered (optional)");
      }
    }
    List<EntityWork> present = located.work().stream().filter(EntityWork::delivered).toList();
    int threads = Math.max(1, Math.min(present.size(), context.spark().sparkContext().defaultParallelism()));
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      new ExportParser(context, settings, pool).parse(present);
      IdentityPass identity = new IdentityPass(context, settings.identity());
      new CrossRowChecks(context, pool, knownCurrencies).withIdentity(identity).run(present);
      List<FileCounts> counts = new ArrayList<>();
      for (EntityWork w : located.work()) {
        if (w.delivered()) {
          counts.addAll(w.fileCounts());
        } else {
          counts.add(new FileCounts(w.entity, w.expectedName(runDate), 0, Map.of(), "missing"));
        }
      }
      Optional<String> gateFailure = QuarantineGate.failure(settings, counts);
      String status = gateFailure.isEmpty() ? "loaded" : "rejected";
      counts.replaceAll(c -> c.status().equals("missing") ? c : c.withStatus(status));
      new IngestWriter(context, sources, pool).identityCounts(identity::counts)
          .write(present, counts, gateFailure.isEmpty());
      if (gateFailure.isEmpty()) {
        identity.write();
      }
      IngestSummary.print(context.progress().out(), counts, runDate);
      if (gateFailure.isPresent()) {
        throw CpmException.dataQuality(gateFailure.get() + "; silver tables were left unchanged, rejected rows are in "
            + context.tables().qualifiedName(GoldTable.QUARANTINE.table()) + " (run_date " + runDate
            + "); fix the export and rerun");
      }
      return new StageResult(NAME, IngestSummary.rowsRead(counts), outputs(context, present),
          notes(counts, located.strays(), identity.notes()));
    } finally {
      pool.shutdownNow();
      present.forEach(EntityWork::unpersist);
    }
  }

  private static Map<String, String> outputs(PipelineContext context, List<EntityWork> present) {
    Map<String, String> outputs = new LinkedHashMap<>();
    for (EntityWork w : present) {
      outputs.put(w.entity.entityName(), context.tables().qualifiedName(w.entity.bronzeTable()) + ", "
          + context.tables().qualifiedName(w.entity.table()));
    }
    String quarantine = GoldTable.QUARANTINE.table();
    outputs.put(quarantine, context.tables().qualifiedName(quarantine));
    return outputs;
  }

  private static List<String> notes(List<FileCounts> counts, List<String> strays, List<String> identity) {
    List<String> notes = new ArrayList<>(List.of(IngestSummary.accountingNote(counts)));
    notes.addAll(identity);
    if (!strays.isEmpty()) {
      notes.add("not read (match no mapping): " + String.join(", ", strays));
    }
    return notes;
  }
}
