package io.cpm.metrics.identity;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sort_array;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Deterministic identity resolution: assigns each source record id (an ERP customer number, a help-desk
 * requester e-mail) the unified {@code customer_id} of one CRM customer, by rules tried in a declared order.
 *
 * <p>For each rule, a pending reference's match key and every customer's match key are computed with
 * {@link MatchKeys} and joined. A reference whose key meets exactly one customer is assigned to it under that
 * rule; one whose key meets two or more customers is a <em>conflict</em> (listed with its candidates, never
 * merged, and not tried with later rules); one whose key meets none goes on to the next rule. What is left after
 * the last rule is unmatched, or, with {@link Parameters#createUnmatched()}, becomes a customer of its own with
 * id {@code <source>:<source_id>}.
 *
 * <p>Ids never move: a reference already in the identity table keeps its assignment and is not resolved again,
 * so a rerun of a date gives the same assignment and a customer keeps its id when new source ids join it. It is
 * all joins and aggregations (no driver-side loop over data), in the spirit of the deterministic match rules of
 * Splink and of customer-data platforms' "unify" steps. Tables: docs/identity.md.
 */
public final class IdentityResolver {
  public static final String SOURCE = "source";
  public static final String ENTITY = "entity";
  public static final String SOURCE_ID = "source_id";
  public static final String CUSTOMER_ID = "customer_id";
  public static final String RULE = "rule";
  public static final String FIRST_SEEN = "first_seen";
  public static final String CANDIDATES = "candidates";
  /** The rule name recorded for a customer created from an unmatched reference. */
  public static final String CREATED = "created";

  /** Schema of the {@code customer_identity} table. */
  public static final StructType IDENTITY_SCHEMA = new StructType()
      .add(SOURCE, DataTypes.StringType, false)
      .add(ENTITY, DataTypes.StringType, false)
      .add(SOURCE_ID, DataTypes.StringType, false)
      .add(CUSTOMER_ID, DataTypes.StringType, false)
      .add(RULE, DataTypes.StringType, false)
      .add(FIRST_SEEN, DataTypes.DateType, false);

  private static final String KEY = "_match_key";
  private static final List<String> REFERENCE_KEY = List.of(SOURCE, ENTITY, SOURCE_ID);

  /** How a rule builds its match key. */
  public enum Kind {
    /** The systems share the id: the reference's id is the customer_id. */
    CUSTOMER_ID,
    /** A column on the customer side (or a crosswalk export) holds the other system's id. */
    CROSSWALK,
    /** Normalized e-mail ({@link MatchKeys#email}). */
    EMAIL,
    /** E-mail domain, free-mail domains excluded ({@link MatchKeys#emailDomain}); for B2B. */
    EMAIL_DOMAIN,
    /** Phone in E.164 ({@link MatchKeys#phone}). */
    PHONE,
    /** Name and postcode ({@link MatchKeys#namePostcode}): two columns on each side. */
    NAME_POSTCODE;

    /** Columns each side needs. */
    int arity() {
      return this == NAME_POSTCODE ? 2 : 1;
    }

    public static Kind parse(String text) {
      return valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }
  }

  /**
   * One match rule: its name (recorded in the identity table), its kind, the reference columns its key is built
   * from, and the customer columns it is compared with.
   */
  public record Rule(String name, Kind kind, List<String> referenceColumns, List<String> customerColumns)
      implements java.io.Serializable {
    public Rule {
      requireNonNull(name, "name");
      requireNonNull(kind, "kind");
      referenceColumns = List.copyOf(referenceColumns);
      customerColumns = List.copyOf(customerColumns);
      if (referenceColumns.size() != kind.arity() || customerColumns.size() != kind.arity()) {
        throw new IllegalArgumentException("Rule " + name + " (" + kind + ") needs " + kind.arity()
            + " reference and customer column(s), got " + referenceColumns + " and " + customerColumns);
      }
    }

    /** The default rule: the reference's own id is the customer_id. */
    public static Rule customerId() {
      return new Rule("customer_id", Kind.CUSTOMER_ID, List.of(SOURCE_ID), List.of(CUSTOMER_ID));
    }
  }

  /** Settings shared by all rules. */
  public record Parameters(Set<String> freeMailDomains, String defaultRegion, boolean createUnmatched)
      implements java.io.Serializable {
    public Parameters {
      freeMailDomains = Set.copyOf(freeMailDomains);
      requireNonNull(defaultRegion, "defaultRegion");
    }

    public static Parameters defaults() {
      return new Parameters(MatchKeys.DEFAULT_FREE_MAIL_DOMAINS, "US", false);
    }
  }

  /**
   * What one resolution found: new identity rows (to append to {@code customer_identity}), conflicts (source,
   * entity, source_id, rule, candidates) and unmatched references (source, entity, source_id, unless created).
   */
  public record Result(Dataset<Row> newIdentities, Dataset<Row> conflicts, Dataset<Row> unmatched) {}

  private IdentityResolver() {}

  /**
   * Resolves the references of one source and entity.
   *
   * @param references rows with {@code source}, {@code entity}, {@code source_id} and every rule's reference
   *     columns (duplicates allowed; the first row of a source_id gives its attributes)
   * @param customers rows with {@code customer_id} and every rule's customer columns (several rows per customer
   *     allowed, e.g. one per crosswalk id)
   * @param existing the identity table so far ({@link #IDENTITY_SCHEMA}), or null when there is none
   */
  public static Result resolve(Dataset<Row> references, List<Rule> rules, Dataset<Row> customers,
      Dataset<Row> existing, Parameters parameters, LocalDate runDate) {
    requireNonNull(rules, "rules");
    if (rules.isEmpty()) {
      throw new IllegalArgumentException("At least one identity rule is needed");
    }
    Dataset<Row> pending = references.where(col(SOURCE_ID).isNotNull()).dropDuplicates(REFERENCE_KEY.toArray(String[]::new));
    if (existing != null) {
      pending = pending.join(existing.select(SOURCE, ENTITY, SOURCE_ID), scalaSeq(REFERENCE_KEY), "left_anti");
    }
    List<Dataset<Row>> matched = new ArrayList<>();
    List<Dataset<Row>> conflicts = new ArrayList<>();
    for (Rule rule : rules) {
      Dataset<Row> keyed = pending.withColumn(KEY, key(rule, rule.referenceColumns(), parameters))
          .where(col(KEY).isNotNull());
      Dataset<Row> customerKeys = customers
          .select(col(CUSTOMER_ID), key(rule, rule.customerColumns(), parameters).as(KEY))
          .where(col(KEY).isNotNull()).distinct();
      Dataset<Row> candidates = keyed.join(customerKeys, scalaSeq(List.of(KEY)))
          .groupBy(SOURCE, ENTITY, SOURCE_ID)
          .agg(sort_array(collect_set(col(CUSTOMER_ID))).as(CANDIDATES))
          .withColumn(RULE, lit(rule.name()))
          .cache();
      matched.add(candidates.where(size(col(CANDIDATES)).equalTo(1))
          .select(col(SOURCE), col(ENTITY), col(SOURCE_ID), element_at(col(CANDIDATES), 1).as(CUSTOMER_ID),
              col(RULE)));
      conflicts.add(candidates.where(size(col(CANDIDATES)).gt(1))
          .select(SOURCE, ENTITY, SOURCE_ID, RULE, CANDIDATES));
      pending = pending.join(candidates.select(SOURCE, ENTITY, SOURCE_ID), scalaSeq(REFERENCE_KEY), "left_anti");
    }
    Dataset<Row> unmatched = pending.select(SOURCE, ENTITY, SOURCE_ID);
    Dataset<Row> assigned = union(matched);
    if (parameters.createUnmatched()) {
      assigned = assigned.unionByName(unmatched.select(col(SOURCE), col(ENTITY), col(SOURCE_ID),
          concat(col(SOURCE), lit(":"), col(SOURCE_ID)).as(CUSTOMER_ID), lit(CREATED).as(RULE)));
      unmatched = unmatched.limit(0);
    }
    Dataset<Row> identities = assigned.withColumn(FIRST_SEEN, lit(java.sql.Date.valueOf(runDate)));
    return new Result(identities, union(conflicts), unmatched);
  }

  private static Column key(Rule rule, List<String> columns, Parameters parameters) {
    Column first = col(columns.get(0));
    return switch (rule.kind()) {
      case CUSTOMER_ID, CROSSWALK -> MatchKeys.id(first);
      case EMAIL -> MatchKeys.email(first);
      case EMAIL_DOMAIN -> MatchKeys.emailDomain(first, parameters.freeMailDomains());
      case PHONE -> MatchKeys.phone(first, parameters.defaultRegion());
      case NAME_POSTCODE -> MatchKeys.namePostcode(first, col(columns.get(1)));
    };
  }

  private static Dataset<Row> union(List<Dataset<Row>> parts) {
    Dataset<Row> all = parts.get(0);
    for (int i = 1; i < parts.size(); i++) {
      all = all.unionByName(parts.get(i));
    }
    return all;
  }

  private static scala.collection.immutable.Seq<String> scalaSeq(List<String> names) {
    return scala.collection.JavaConverters.asScalaBuffer(names).toList();
  }
}
