package io.cpm.jobs.ingest;

import static org.apache.spark.sql.functions.col;

import io.cpm.jobs.ingest.identity.IdentitySettings;
import io.cpm.jobs.ingest.identity.IdentityStep;
import io.cpm.jobs.pipeline.PipelineContext;
import io.cpm.jobs.storage.Tables;
import io.cpm.metrics.schema.Entity;
import io.cpm.metrics.schema.GoldTable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Ingest's identity resolution (docs/identity.md), between parsing and the cross-row checks: for each entity
 * whose {@code ingest.identity.rules} resolve anything, rewrites the parsed rows' customer_id to the unified id
 * (bronze keeps the raw value), flags conflicting references as IDENTITY_CONFLICT and keeps the counts per rule;
 * once the gate has passed, {@link #write} adds the new identities to {@code customer_identity} and the customers
 * create-unmatched made to silver {@code customers}. With the default rule (customer_id alone) it does nothing.
 */
final class IdentityPass {
  private static final String CUSTOMER_ID = "customer_id";

  private final PipelineContext context;
  private final IdentitySettings settings;
  private final Map<Entity, IdentityStep.Outcome> outcomes = Collections.synchronizedMap(new EnumMap<>(Entity.class));

  IdentityPass(PipelineContext context, IdentitySettings settings) {
    this.context = Objects.requireNonNull(context, "context");
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /** Resolves every delivered entity that needs it, one after the other (each is a few joins). */
  void run(List<EntityWork> work) {
    List<EntityWork> resolving = work.stream().filter(w -> settings.resolves(w.entity)).toList();
    if (resolving.isEmpty()) {
      return;
    }
    Tables tables = context.tables();
    SparkSession spark = context.spark();
    List<Column> accountColumns = java.util.Arrays.stream(Entity.ACCOUNTS.schema().fieldNames())
        .map(org.apache.spark.sql.functions::col).toList();
    Dataset<Row> customers = null;
    if (tables.exists(Entity.ACCOUNTS.table())) {
      customers = tables.read(Entity.ACCOUNTS.table()).select(accountColumns.toArray(Column[]::new));
    }
    for (EntityWork w : work) {
      if (w.entity == Entity.ACCOUNTS) {
        Dataset<Row> accepted = w.accepted().select(col(ExportReader.TYPED + ".*"))
            .select(accountColumns.toArray(Column[]::new));
        customers = customers == null ? accepted : customers.unionByName(accepted);
      }
    }
    if (customers == null) {
      customers = spark.createDataFrame(List.of(), Entity.ACCOUNTS.schema());
    }
    customers = customers.persist();
    String identityTable = GoldTable.CUSTOMER_IDENTITY.table();
    Dataset<Row> existing = tables.exists(identityTable) ? tables.read(identityTable) : null;
    try {
      for (EntityWork w : resolving) {
        Dataset<Row> rows = w.accepted().select(col(ExportReader.SOURCE_FILE), col(ExportReader.ROW_NUMBER),
            col(ExportReader.TYPED + ".*"));
        IdentityStep.Outcome resolved = IdentityStep.resolve(w.entity, rows, customers, existing, settings,
            context.runDate());
        // Materialized without lineage: the writes that follow (silver customers, customer_identity) would
        // otherwise invalidate and recompute these plans against the updated tables, finding nothing new.
        IdentityStep.Outcome outcome = new IdentityStep.Outcome(resolved.assignments().localCheckpoint(),
            resolved.conflicts(), resolved.counts(), resolved.newIdentities().localCheckpoint(),
            resolved.createdCustomers().localCheckpoint());
        Dataset<Row> rewritten = IdentityStep.rewrite(w.parsed, ExportReader.TYPED, outcome.assignments())
            .select(w.parsed.columns()[0], java.util.Arrays.copyOfRange(w.parsed.columns(), 1,
                w.parsed.columns().length))
            .persist();
        rewritten.count();
        Dataset<Row> old = w.parsed;
        w.parsed = rewritten;
        old.unpersist();
        w.addFlags(spark, outcome.conflicts());
        outcomes.put(w.entity, outcome);
        context.progress().step(IngestStage.NAME, "identity " + w.entity.source() + "." + w.entity.entityName()
            + ": " + describe(outcome.counts()));
      }
    } finally {
      customers.unpersist();
    }
  }

  /** Customer ids create-unmatched made this run: the UNKNOWN_CUSTOMER check counts them as known. */
  Dataset<Row> createdIds() {
    Dataset<Row> ids = null;
    for (IdentityStep.Outcome o : outcomes.values()) {
      Dataset<Row> part = o.createdCustomers().select(CUSTOMER_ID);
      ids = ids == null ? part : ids.union(part);
    }
    return ids;
  }

  /** Distinct references per outcome of an entity, or null when it was not resolved (ingest_runs). */
  Map<String, Long> counts(Entity entity) {
    IdentityStep.Outcome o = outcomes.get(entity);
    return o == null ? null : o.counts();
  }

  /** One note per resolved entity for the run summary. */
  List<String> notes() {
    List<String> notes = new ArrayList<>();
    for (Entity e : Entity.values()) {
      IdentityStep.Outcome o = outcomes.get(e);
      if (o != null) {
        notes.add("identity " + e.source() + "." + e.entityName() + " (distinct references): "
            + describe(o.counts()));
      }
    }
    return notes;
  }

  /**
   * Commits the run's identities (MERGE, insert only) and created customers (MERGE into silver customers, insert
   * only: a CRM account is never overwritten by a created one). Called only when the gate passed.
   */
  void write() {
    if (outcomes.isEmpty()) {
      return;
    }
    Dataset<Row> identities = null;
    Dataset<Row> created = null;
    for (IdentityStep.Outcome o : outcomes.values()) {
      identities = identities == null ? o.newIdentities() : identities.unionByName(o.newIdentities());
      created = created == null ? o.createdCustomers() : created.unionByName(o.createdCustomers());
    }
    IdentityStep.writeIdentities(context.tables(), identities);
    context.progress().step(IngestStage.NAME, "wrote " + GoldTable.CUSTOMER_IDENTITY.table());
    if (settings.parameters().createUnmatched()) {
      // Invoices and orders of one ERP both create erp:<number>: one row per customer, the earliest reference.
      Dataset<Row> unique = created.withColumn("_first", org.apache.spark.sql.functions.row_number().over(
              org.apache.spark.sql.expressions.Window.partitionBy(CUSTOMER_ID)
                  .orderBy(col("created_at"), col(Entity.SOURCE_FILE), col(Entity.ROW_NUMBER))))
          .where(col("_first").equalTo(1)).drop("_first");
      context.tables().merge(unique, Entity.ACCOUNTS.table(), Entity.ACCOUNTS.keys(), "false");
      context.progress().step(IngestStage.NAME, "added created customers to " + Entity.ACCOUNTS.table());
    }
  }

  private static String describe(Map<String, Long> counts) {
    return counts.isEmpty() ? "no references" : counts.entrySet().stream()
        .map(e -> e.getKey() + " " + String.format(java.util.Locale.ROOT, "%,d", e.getValue()))
        .collect(Collectors.joining(", "));
  }
}
