package io.cpm.segmentation;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Maps segment combinations to a playbook action and owner role: the first {@link PlaybookRule} whose
 * conditions all hold wins; customers matching none get the default action and owner role.
 */
public final class Playbook {
  public static final String ACTION = "playbook_action";
  public static final String OWNER_ROLE = "owner_role";
  /** Segment columns a rule may test. */
  public static final Set<String> CONDITION_COLUMNS = Set.of(Rfm.SEGMENT, Tiers.VALUE_TIER, Tiers.ACTIVITY_TIER,
      Tiers.TAG, Lifecycle.STAGE, KMeansSegmentation.CLUSTER_LABEL);

  private Playbook() {}

  /** Checks that every rule tests only known segment columns. */
  public static void validate(List<PlaybookRule> rules) {
    for (PlaybookRule rule : rules) {
      for (String column : rule.when().keySet()) {
        if (!CONDITION_COLUMNS.contains(column)) {
          throw new IllegalArgumentException("Playbook rule for action " + rule.action() + " tests unknown column "
              + column + " (allowed: " + CONDITION_COLUMNS.stream().sorted().toList() + ")");
        }
      }
    }
  }

  /** Adds {@code playbook_action} and {@code owner_role}. */
  public static Dataset<Row> apply(Dataset<Row> segments, List<PlaybookRule> rules, String defaultAction,
      String defaultOwnerRole) {
    validate(rules);
    Column action = lit(defaultAction).cast(DataTypes.StringType);
    Column owner = lit(defaultOwnerRole).cast(DataTypes.StringType);
    for (int i = rules.size() - 1; i >= 0; i--) {
      PlaybookRule rule = rules.get(i);
      Column matches = lit(true);
      for (Map.Entry<String, List<String>> condition : rule.when().entrySet()) {
        Column value = col(condition.getKey());
        matches = matches.and(value.isNotNull()).and(value.isin(condition.getValue().toArray()));
      }
      action = when(matches, lit(rule.action())).otherwise(action);
      owner = when(matches, lit(rule.ownerRole())).otherwise(owner);
    }
    return segments.withColumn(ACTION, action).withColumn(OWNER_ROLE, owner);
  }
}
