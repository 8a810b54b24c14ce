package io.cpm.jobs.ingest.identity;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;

import io.cpm.jobs.ingest.ReasonCode;
import io.cpm.jobs.storage.Tables;
import io.cpm.metrics.identity.IdentityResolver;
import io.cpm.metrics.identity.IdentityResolver.Rule;
import io.cpm.metrics.schema.Entity;
import io.cpm.metrics.schema.GoldTable;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;

/**
 * The identity step of {@code cpm ingest} for one entity (docs/identity.md): runs {@link IdentityResolver} on the
 * night's distinct customer references against the known customers and the {@code customer_identity} table so
 * far, and says how each accepted row's {@code customer_id} is rewritten, which rows are conflicts
 * ({@link ReasonCode#IDENTITY_CONFLICT}), how many references each rule matched and which customers
 * create-unmatched adds. It only computes; {@link #writeIdentities} commits the new identities.
 *
 * <p>The source id is the value of the entity's {@code customer_id} column as the export wrote it (an ERP
 * customer number, a requester e-mail): the mapping renames the export's reference column to customer_id.
 */
public final class IdentityStep {
  /** {@link #counts} key of references already in customer_identity (resolved on an earlier night). */
  public static final String KNOWN = "known";
  /** {@link #counts} key of references no rule matched (left as they are; UNKNOWN_CUSTOMER follows). */
  public static final String UNMATCHED = "unmatched";
  /** {@link #counts} key of references that met two or more customers. */
  public static final String CONFLICT = "conflict";

  private static final String CUSTOMER_ID = IdentityResolver.CUSTOMER_ID;
  private static final String SOURCE_ID = IdentityResolver.SOURCE_ID;
  private static final String ASSIGNED = "_assigned_customer_id";
  private static final String REF = "_ref_";

  /**
   * What the step found for one entity.
   *
   * @param assignments {@code source_id -> customer_id} for every reference of the night with an identity (known
   *     or new); join with {@link #rewrite}
   * @param conflicts {@code _source_file, _row_number, reason, message} of rows whose reference is a conflict
   * @param counts distinct references per outcome: each rule's name, {@code created}, {@link #KNOWN},
   *     {@link #CONFLICT}, {@link #UNMATCHED} (only outcomes that occurred)
   * @param newIdentities rows for {@code customer_identity} ({@link IdentityResolver#IDENTITY_SCHEMA})
   * @param createdCustomers customers made from unmatched references (canonical accounts columns plus lineage),
   *     empty without create-unmatched
   */
  public record Outcome(Dataset<Row> assignments, List<Row> conflicts, Map<String, Long> counts,
      Dataset<Row> newIdentities, Dataset<Row> createdCustomers) {}

  private IdentityStep() {}

  /**
   * Resolves an entity's references.
   *
   * @param rows accepted rows: {@code _source_file}, {@code _row_number} and the entity's canonical columns
   * @param customers known customers: silver customers and this run's accepted accounts (canonical columns)
   * @param existing the customer_identity table, or null before its first night
   */
  public static Outcome resolve(Entity entity, Dataset<Row> rows, Dataset<Row> customers, Dataset<Row> existing,
      IdentitySettings settings, LocalDate runDate) {
    requireNonNull(entity, "entity");
    requireNonNull(settings, "settings");
    List<Rule> rules = settings.rules(entity);
    // The resolver joins references with customers on a key and collects customers' customer_id: a reference
    // column of the same name would be ambiguous, so reference columns travel under a prefix.
    Set<String> referenceColumns = new LinkedHashSet<>();
    rules.forEach(r -> referenceColumns.addAll(r.referenceColumns()));
    List<Rule> renamed = rules.stream().map(r -> new Rule(r.name(), r.kind(),
        r.referenceColumns().stream().map(c -> REF + c).toList(), r.customerColumns())).toList();
    List<Column> select = new ArrayList<>(List.of(lit(entity.source()).as(IdentityResolver.SOURCE),
        lit(entity.entityName()).as(IdentityResolver.ENTITY), col(CUSTOMER_ID).as(SOURCE_ID)));
    referenceColumns.forEach(c -> select.add(col(c).as(REF + c)));
    Dataset<Row> references = rows.where(col(CUSTOMER_ID).isNotNull()).select(select.toArray(Column[]::new));
    Dataset<Row> mine = existing == null ? null : existing
        .where(col(IdentityResolver.SOURCE).equalTo(entity.source())
            .and(col(IdentityResolver.ENTITY).equalTo(entity.entityName())));
    IdentityResolver.Result result = IdentityResolver.resolve(references, renamed, customers, mine,
        settings.parameters(), runDate);
    Dataset<Row> newIdentities = result.newIdentities().cache();
    Dataset<Row> conflictIds = result.conflicts().cache();

    Dataset<Row> night = references.select(SOURCE_ID).distinct();
    Dataset<Row> known = mine == null ? night.limit(0)
        : night.join(mine.select(SOURCE_ID), SOURCE_ID);
    Map<String, Long> counts = new LinkedHashMap<>();
    long knownCount = known.count();
    if (knownCount > 0) {
      counts.put(KNOWN, knownCount);
    }
    for (Row r : newIdentities.groupBy(IdentityResolver.RULE).agg(count(lit(1))).collectAsList()) {
      counts.put(r.getString(0), r.getLong(1));
    }
    List<Row> conflictList = conflictIds.collectAsList();
    if (!conflictList.isEmpty()) {
      counts.put(CONFLICT, (long) conflictList.size());
    }
    long unmatched = result.unmatched().count();
    if (unmatched > 0) {
      counts.put(UNMATCHED, unmatched);
    }

    Dataset<Row> assignments = newIdentities.select(SOURCE_ID, CUSTOMER_ID);
    if (mine != null) {
      assignments = assignments.unionByName(mine.select(SOURCE_ID, CUSTOMER_ID)
          .join(night, SOURCE_ID));
    }
    List<Row> conflicts = rows.join(broadcast(conflictIds.select(col(SOURCE_ID).as(CUSTOMER_ID),
            col(IdentityResolver.RULE), array_join(col(IdentityResolver.CANDIDATES), ", ").as("_candidates"))),
            CUSTOMER_ID)
        .select(col(Entity.SOURCE_FILE), col(Entity.ROW_NUMBER), lit(ReasonCode.IDENTITY_CONFLICT.name()),
            concat(lit("customer_id = '"), col(CUSTOMER_ID), lit("' matches several customers under identity rule "),
                col(IdentityResolver.RULE), lit(" (ingest.identity.rules." + entity.source() + "."
                    + entity.entityName() + "): "), col("_candidates"),
                lit("; give each customer its own value or put a more specific rule first")))
        .collectAsList();
    Dataset<Row> created = createdCustomers(entity, rows, newIdentities, rules, runDate);
    conflictIds.unpersist();
    return new Outcome(assignments, conflicts, counts, newIdentities, created);
  }

  /**
   * Rows with the reference in {@code struct.field} (e.g. the parsed row's typed struct and customer_id)
   * replaced by its unified id; a reference without an assignment (unmatched) keeps its value.
   */
  public static Dataset<Row> rewrite(Dataset<Row> rows, String struct, Dataset<Row> assignments) {
    Column reference = col(struct + "." + CUSTOMER_ID);
    Dataset<Row> mapping = assignments.select(col(SOURCE_ID), col(CUSTOMER_ID).as(ASSIGNED));
    return rows.join(mapping, reference.equalTo(mapping.col(SOURCE_ID)), "left")
        .withColumn(struct, col(struct).withField(CUSTOMER_ID, coalesce(col(ASSIGNED), reference)))
        .drop(SOURCE_ID, ASSIGNED);
  }

  /**
   * Customers made from references no rule matched (create-unmatched): id {@code <source>:<source id>}, created
   * at the earliest business date among the night's rows that reference it, and the customer-side columns of
   * each rule filled from the reference (a help-desk e-mail becomes the customer's email, so later e-mail rules
   * meet it). Lineage: the first such row.
   */
  private static Dataset<Row> createdCustomers(Entity entity, Dataset<Row> rows, Dataset<Row> newIdentities,
      List<Rule> rules, LocalDate runDate) {
    Dataset<Row> createdIds = newIdentities.where(col(IdentityResolver.RULE).equalTo(IdentityResolver.CREATED))
        .select(col(SOURCE_ID).as(CUSTOMER_ID), col(IdentityResolver.CUSTOMER_ID).as(ASSIGNED));
    Map<String, Column> fill = new LinkedHashMap<>();
    for (Rule rule : rules) {
      for (int i = 0; i < rule.customerColumns().size(); i++) {
        String target = rule.customerColumns().get(i);
        if (!target.equals(CUSTOMER_ID)) {
          fill.putIfAbsent(target, first(col(rule.referenceColumns().get(i)), true).as(target));
        }
      }
    }
    List<Column> aggregates = new ArrayList<>();
    aggregates.add(min(col(entity.businessDateColumn())).cast("date").as("_created_at"));
    aggregates.add(min(col(Entity.SOURCE_FILE)).as(Entity.SOURCE_FILE));
    aggregates.add(min(col(Entity.ROW_NUMBER)).as(Entity.ROW_NUMBER));
    aggregates.addAll(fill.values());
    Dataset<Row> grouped = rows.join(createdIds, CUSTOMER_ID).groupBy(col(ASSIGNED))
        .agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new));
    List<Column> columns = new ArrayList<>();
    for (StructField f : Entity.ACCOUNTS.schema().fields()) {
      Column value = switch (f.name()) {
        case CUSTOMER_ID -> col(ASSIGNED);
        case "created_at" -> coalesce(col("_created_at"), lit(java.sql.Date.valueOf(runDate)));
        default -> fill.containsKey(f.name()) ? col(f.name()) : lit(null);
      };
      columns.add(value.cast(f.dataType()).as(f.name()));
    }
    columns.add(col(Entity.SOURCE_FILE));
    columns.add(col(Entity.ROW_NUMBER));
    columns.add(lit(java.sql.Date.valueOf(runDate)).as(Entity.RUN_DATE));
    return grouped.select(columns.toArray(Column[]::new));
  }

  /**
   * Adds new identities to {@code customer_identity} with Delta MERGE on (source, entity, source_id), inserting
   * only: an id once assigned never moves, and a rerun of a date (whose identities are already there) inserts
   * nothing.
   */
  public static void writeIdentities(Tables tables, Dataset<Row> newIdentities) {
    String table = GoldTable.CUSTOMER_IDENTITY.table();
    tables.merge(newIdentities, table, GoldTable.CUSTOMER_IDENTITY.keys(), "false");
  }
}
