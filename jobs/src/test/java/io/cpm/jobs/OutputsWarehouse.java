package io.cpm.jobs;

import io.cpm.jobs.storage.Tables;
import io.cpm.metrics.schema.GoldTable;
import io.cpm.metrics.testing.TestSpark;
import java.nio.file.Path;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;

/**
 * A small warehouse with every table the output stages read (gold tables, model runs, KPI values, ingest
 * accounting, pipeline runs) for two run dates, written as real Delta tables following docs/tables.md.
 * Built once per test JVM; tests must not modify the fixture tables (their own outputs are fine).
 *
 * <p>Planted cases: formula-like and quoted multi-line text, negative and tiny/huge numbers, HTML in a label,
 * personal data, and customers whose scores change (C002, C004) or appear (C006) on the second date.
 */
public final class OutputsWarehouse {
  public static final LocalDate D1 = LocalDate.parse("2025-03-30");
  public static final LocalDate D2 = LocalDate.parse("2025-03-31");
  public static final String DATABASE = "outputs_test";
  private static Tables tables;

  private OutputsWarehouse() {}

  public static synchronized Tables tables() {
    if (tables == null) {
      SparkSession spark = TestSpark.session();
      Path dir = TestSpark.newDirectory("outputs-wh");
      tables = new Tables(spark, dir.resolve("warehouse").toString(), DATABASE);
      build(spark, tables);
    }
    return tables;
  }

  /** CLI arguments pointing a command at this warehouse, with exports and reports under {@code dir}. */
  public static String[] cliArgs(Path dir, String command, String... extra) {
    tables();
    String[] base = {command, "--config", RepoFiles.path("conf/local.conf").toString(),
        "--set", "paths.warehouse=" + tables.warehouse(), "--set", "catalog.database=" + DATABASE,
        "--set", "paths.exports=" + dir.resolve("exports"), "--set", "paths.reports=" + dir.resolve("reports")};
    String[] all = new String[base.length + extra.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    return all;
  }

  /** Writes the rows of a SQL query as the whole of a catalogue table. */
  private static void overwrite(Tables tables, GoldTable table, String query) {
    tables.overwrite(tables.spark().sql(query), table.table());
  }

  private static void build(SparkSession spark, Tables tables) {
    tables.overwrite(spark.sql("SELECT customer_id, name, industry, region, size, owner_id,"
        + " DATE(created_at) AS created_at, DATE(first_contact_at) AS first_contact_at, email, phone FROM VALUES"
        + " ('C001', 'Acme GmbH', 'manufacturing', 'north', 'large', 'O1', '2023-04-01', '2023-03-01',"
        + "   'ceo@acme.example', '+49 30 1234'),"
        + " ('C002', 'Beta, \"Best\" Ltd', 'retail', 'south', 'small', 'O2', '2023-05-01', '2023-05-01',"
        + "   'info@beta.example', '+44 20 5555'),"
        + " ('C003', '=cmd|calc', 'retail', 'west', 'mid', 'O1', '2023-06-01', '2023-06-01', 'x@c.example', NULL),"
        + " ('C004', 'Delta AG', 'services', 'north', 'mid', 'O3', '2024-01-01', '2024-01-01', NULL, NULL),"
        + " ('C005', 'Epsilon', 'services', 'east', 'small', 'O2', '2024-02-01', '2024-02-01', NULL, NULL),"
        + " ('C006', 'Zeta', 'retail', 'east', 'small', 'O3', '2025-03-31', '2025-03-31', NULL, NULL)"
        + " AS t(customer_id, name, industry, region, size, owner_id, created_at, first_contact_at, email, phone)"),
        "customers");

    String features = " (customer_id, owner_id, industry, region, size, revenue_12m, revenue_lifetime,"
        + " order_count_12m, recency_days, last_order_date, tenure_days, nps_last, tickets_12m)";
    overwrite(tables, GoldTable.CUSTOMER_FEATURES,
        "SELECT DATE(d) AS run_date, customer_id, owner_id, industry, region, size,"
        + " CAST(revenue_12m AS DOUBLE) revenue_12m, CAST(revenue_lifetime AS DOUBLE) revenue_lifetime,"
        + " CAST(order_count_12m AS BIGINT) order_count_12m, CAST(recency_days AS INT) recency_days,"
        + " DATE(last_order_date) last_order_date, CAST(tenure_days AS INT) tenure_days,"
        + " CAST(nps_last AS INT) nps_last, CAST(tickets_12m AS BIGINT) tickets_12m FROM VALUES"
        + " ('2025-03-30', 'C001', 'O1', 'manufacturing', 'north', 'large', 12345678.9, 40000000.5, 40, 3,"
        + "   '2025-03-27', 760, 9, 2),"
        + " ('2025-03-30', 'C002', 'O2', 'retail', 'south', 'small', 1200.5, 3000, 3, 40, '2025-02-18', 700, 6, 1),"
        + " ('2025-03-30', 'C003', 'O1', 'retail', 'west', 'mid', 0.000015, 10, 1, 300, '2024-06-03', 670, NULL, 0),"
        + " ('2025-03-30', 'C004', 'O3', 'services', 'north', 'mid', 56000, 90000, 12, 10, '2025-03-20', 454, 8, 5),"
        + " ('2025-03-30', 'C005', 'O2', 'services', 'east', 'small', 0, 0, 0, NULL, NULL, 423, NULL, 0),"
        + " ('2025-03-31', 'C001', 'O1', 'manufacturing', 'north', 'large', 12345678.9, 40000000.5, 40, 4,"
        + "   '2025-03-27', 761, 9, 2),"
        + " ('2025-03-31', 'C002', 'O2', 'retail', 'south', 'small', 1200.5, 3000, 3, 41, '2025-02-18', 701, 6, 1),"
        + " ('2025-03-31', 'C003', 'O1', 'retail', 'west', 'mid', 0.000015, 10, 1, 301, '2024-06-03', 671, NULL, 0),"
        + " ('2025-03-31', 'C004', 'O3', 'services', 'north', 'mid', 56000, 90000, 12, 11, '2025-03-20', 455, 8, 5),"
        + " ('2025-03-31', 'C005', 'O2', 'services', 'east', 'small', 0, 0, 0, NULL, NULL, 424, NULL, 0),"
        + " ('2025-03-31', 'C006', 'O3', 'retail', 'east', 'small', 500, 500, 1, 0, '2025-03-31', 0, NULL, 0)"
        + " AS t(d," + features.substring(2));

    overwrite(tables, GoldTable.CUSTOMER_SEGMENTS,
        "SELECT DATE(d) AS run_date, customer_id, rfm_score, rfm_segment, value_tier,"
        + " activity_tier, concat(value_tier, '_', activity_tier) AS value_activity_tag, lifecycle_stage,"
        + " CAST(cluster_id AS INT) cluster_id, cluster_label, playbook_action, owner_role FROM VALUES"
        + " ('2025-03-30', 'C001', '555', 'champions', 'high', 'active', 'mature', 1, 'big & <b>bold</b>',"
        + "   'Call \"today\", then\nsend offer', 'account_manager'),"
        + " ('2025-03-30', 'C002', '333', 'need_attention', 'mid', 'declining', 'growing', 2, 'small steady',"
        + "   'nurture', 'sales'),"
        + " ('2025-03-30', 'C003', '111', 'lost', 'low', 'dormant', 'churned', 3, 'dormant', '-win back', 'marketing'),"
        + " ('2025-03-30', 'C004', '444', 'loyal', 'high', 'active', 'mature', 1, 'big & <b>bold</b>', 'upsell',"
        + "   'account_manager'),"
        + " ('2025-03-30', 'C005', '211', 'hibernating', 'low', 'dormant', 'prospect', 3, 'dormant', '@reactivate',"
        + "   'marketing'),"
        + " ('2025-03-31', 'C001', '555', 'champions', 'high', 'active', 'mature', 1, 'big & <b>bold</b>',"
        + "   'Call \"today\", then\nsend offer', 'account_manager'),"
        + " ('2025-03-31', 'C002', '233', 'at_risk', 'mid', 'declining', 'at_risk', 2, 'small steady',"
        + "   'call owner', 'sales'),"
        + " ('2025-03-31', 'C003', '111', 'lost', 'low', 'dormant', 'churned', 3, 'dormant', '-win back', 'marketing'),"
        + " ('2025-03-31', 'C004', '444', 'loyal', 'high', 'active', 'mature', 1, 'big & <b>bold</b>', 'upsell',"
        + "   'account_manager'),"
        + " ('2025-03-31', 'C005', '211', 'hibernating', 'low', 'dormant', 'prospect', 3, 'dormant', '@reactivate',"
        + "   'marketing'),"
        + " ('2025-03-31', 'C006', '511', 'new', 'low', 'active', 'new', 2, 'small steady', 'onboard', 'sales')"
        + " AS t(d, customer_id, rfm_score, rfm_segment, value_tier, activity_tier, lifecycle_stage, cluster_id,"
        + " cluster_label, playbook_action, owner_role)");

    overwrite(tables, GoldTable.CUSTOMER_SCORES,
        "SELECT DATE(d) AS run_date, customer_id, CAST(p AS DOUBLE) churn_probability,"
        + " band AS churn_band, d1 AS churn_driver_1, d2 AS churn_driver_2, d3 AS churn_driver_3,"
        + " CAST(e AS DOUBLE) expected_purchases_90d, CAST(a AS DOUBLE) p_alive, CAST(clv AS DOUBLE) clv_12m,"
        + " grade AS clv_grade, CAST(h AS DOUBLE) health_score, CAST(hc AS DOUBLE) health_change FROM VALUES"
        + " ('2025-03-30', 'C001', 0.05, 'low', 'recency_days', 'nps_last', NULL, 9.5, 0.99, 25000000.75, 'A', 91, 1.5),"
        + " ('2025-03-30', 'C002', 0.35, 'medium', '=HYPERLINK(\"http://x\")', '+1 calls', 'tab', 1.2, 0.8,"
        + "   1500.25, 'C', 60, -3.5),"
        + " ('2025-03-30', 'C003', 0.91, 'high', '-recency', 'tickets', NULL, 0.01, 0.1, 0.000015, 'D', 12.25, -20),"
        + " ('2025-03-30', 'C004', 0.12, 'low', 'order_trend', NULL, NULL, 4, 0.95, 70000, 'B', 80, 0),"
        + " ('2025-03-30', 'C005', 0.5, 'medium', '\trecency', NULL, NULL, 0, 0.5, 0, 'D', 40, NULL),"
        + " ('2025-03-31', 'C001', 0.05, 'low', 'recency_days', 'nps_last', NULL, 9.5, 0.99, 25000000.75, 'A', 91, 1.5),"
        + " ('2025-03-31', 'C002', 0.55, 'high', '=HYPERLINK(\"http://x\")', '+1 calls', 'tab', 1.1, 0.7,"
        + "   1400.25, 'C', 55, -5),"
        + " ('2025-03-31', 'C003', 0.91, 'high', '-recency', 'tickets', NULL, 0.01, 0.1, 0.000015, 'D', 12.25, -20),"
        + " ('2025-03-31', 'C004', 0.2, 'low', 'order_trend', NULL, NULL, 4, 0.95, 71000, 'B', 78, -2),"
        + " ('2025-03-31', 'C005', 0.5, 'medium', '\trecency', NULL, NULL, 0, 0.5, 0, 'D', 40, NULL),"
        + " ('2025-03-31', 'C006', 0.3, 'medium', 'tenure_days', NULL, NULL, 1, 0.9, 800, 'C', 70, NULL)"
        + " AS t(d, customer_id, p, band, d1, d2, d3, e, a, clv, grade, h, hc)");

    // kpi_values as the kpis stage writes it (KpiLibrary.SCHEMA, the columns the report reads); targets come
    // from kpis.targets in the config.
    tables.overwrite(spark.sql("SELECT DATE(d) AS run_date, kpi, scope_type, scope_value, period,"
        + " CAST(v AS DOUBLE) value, unit, stage AS lifecycle_stage, layer, importance FROM VALUES"
        + " ('2025-03-28', 'ltv', 'company', 'all', 'trailing_90_days', 100.0, 'EUR', 'retention', 'strategic', 'main'),"
        + " ('2025-03-29', 'ltv', 'company', 'all', 'trailing_90_days', 110.0, 'EUR', 'retention', 'strategic', 'main'),"
        + " ('2025-03-30', 'ltv', 'company', 'all', 'trailing_90_days', 105.0, 'EUR', 'retention', 'strategic', 'main'),"
        + " ('2025-03-31', 'ltv', 'company', 'all', 'trailing_90_days', 125.5, 'EUR', 'retention', 'strategic', 'main'),"
        + " ('2025-03-31', 'ltv', 'company', 'all', 'month', 99.0, 'EUR', 'retention', 'strategic', 'main'),"
        + " ('2025-03-30', 'churn_rate', 'company', 'all', 'trailing_90_days', 10.0, 'percent', 'retention',"
        + "   'strategic', 'main'),"
        + " ('2025-03-31', 'churn_rate', 'company', 'all', 'trailing_90_days', 12.0, 'percent', 'retention',"
        + "   'strategic', 'main'),"
        + " ('2025-03-31', 'churn_rate', 'segment', 'champions', 'trailing_90_days', 1.0, 'percent', 'retention',"
        + "   'strategic', 'main'),"
        + " ('2025-03-31', 'win_rate', 'company', 'all', 'quarter', 40.0, 'percent', 'conversion', 'operational',"
        + "   'main')"
        + " AS t(d, kpi, scope_type, scope_value, period, v, unit, stage, layer, importance)"), GoldTable.KPI_VALUES.table());
    // kpi_alerts as the kpis stage writes it (KpiAlerts.SCHEMA): the company row must show, the segment row not.
    overwrite(tables, GoldTable.KPI_ALERTS,
        "SELECT DATE('2025-03-31') AS run_date, kpi, scope_type, scope_value, period,"
        + " CAST(v AS DOUBLE) value, CAST(t AS DOUBLE) target, CAST(p AS DOUBLE) previous_value,"
        + " CAST(c AS DOUBLE) change, reason FROM VALUES"
        + " ('churn_rate', 'company', 'all', 'trailing_90_days', 12.0, 8.0, 10.0, 2.0, 'missed_target'),"
        + " ('churn_rate', 'company', 'all', 'trailing_90_days', 12.0, 8.0, 10.0, 2.0, 'moved_against'),"
        + " ('churn_rate', 'segment', 'champions', 'trailing_90_days', 1.0, 8.0, NULL, NULL, 'segment <only>')"
        + " AS t(kpi, scope_type, scope_value, period, v, t, p, c, reason)");

    // model_runs as the score stage writes it (ModelRuns.SCHEMA): on 2025-03-31 the candidate not chosen comes
    // first; an older training (2025-03-30) has a different chosen model, so only the newest chosen one counts.
    String curves = "'[{\"fpr\":0,\"tpr\":0},{\"fpr\":0.1,\"tpr\":0.45},{\"fpr\":0.3,\"tpr\":0.75},"
        + "{\"fpr\":1,\"tpr\":1}]', '[{\"decile\":1,\"rows\":20,\"meanPredicted\":0.9,\"observedRate\":0.85},"
        + "{\"decile\":2,\"rows\":20,\"meanPredicted\":0.3,\"observedRate\":0.25}]',"
        + " '[{\"decile\":1,\"observedRate\":0.85,\"lift\":3.1},{\"decile\":2,\"observedRate\":0.25,\"lift\":0.9}]'";
    tables.overwrite(spark.sql("SELECT DATE(d) AS run_date, model, v AS version, CAST(NULL AS DATE)"
        + " training_window_start, CAST(NULL AS DATE) training_window_end, CAST(NULL AS STRING) parameters,"
        + " CAST(auc AS DOUBLE) roc_auc, CAST(pr AS DOUBLE) pr_auc, CAST(b AS DOUBLE) brier, roc, calibration, lift,"
        + " chosen, CAST(NULL AS DOUBLE) log_likelihood, CAST(n AS BIGINT) rows, CAST(vauc AS DOUBLE)"
        + " validation_roc_auc, CAST(NULL AS DOUBLE) validation_pr_auc, CAST(NULL AS DOUBLE) validation_brier"
        + " FROM VALUES"
        + " ('2025-03-31', 'churn_logistic', 'v20250331', 0.797, 0.41, 0.2, NULL, NULL, NULL, false, 1200, 0.779),"
        + " ('2025-03-31', 'churn_gbt', 'v20250331', 0.81, 0.55, 0.15, " + curves + ", true, 1200, 0.823),"
        + " ('2025-03-30', 'churn_logistic', 'v20250330', 0.7, 0.3, 0.25, " + curves + ", true, 1100, 0.7),"
        + " ('2025-03-31', 'clv_bgnbd', 'v20250331', NULL, NULL, NULL, NULL, NULL, NULL, true, 1200, NULL)"
        + " AS t(d, model, v, auc, pr, b, roc, calibration, lift, chosen, n, vauc)"), GoldTable.MODEL_RUNS.table());

    overwrite(tables, GoldTable.INGEST_RUNS,
        "SELECT source, entity, file, CAST(r AS BIGINT) rows_read,"
        + " CAST(a AS BIGINT) rows_accepted, CAST(q AS BIGINT) rows_quarantined, status,"
        + " CAST(NULL AS MAP<STRING, BIGINT>) quarantined_by_reason, DATE(d) AS run_date FROM VALUES"
        + " ('crm', 'accounts', 'landing/2025-03-31/crm/accounts.csv', 6, 5, 1, 'ok', '2025-03-31'),"
        + " ('erp', 'orders', 'landing/2025-03-31/erp/orders.csv', 10, 8, 2, 'ok', '2025-03-31')"
        + " AS t(source, entity, file, r, a, q, status, d)");
    overwrite(tables, GoldTable.QUARANTINE,
        "SELECT source, entity, file, CAST(n AS BIGINT) row_number, raw raw_record,"
        + " reason reason_code, msg message, DATE('2025-03-31') run_date FROM VALUES"
        + " ('crm', 'accounts', 'accounts.csv', 4, 'C9,<script>x</script>', 'missing_key', 'customer_id empty'),"
        + " ('erp', 'orders', 'orders.csv', 2, 'O1,,', 'unparseable_date', 'order_date'),"
        + " ('erp', 'orders', 'orders.csv', 7, 'O7,C404', 'unknown_customer', 'C404')"
        + " AS t(source, entity, file, n, raw, reason, msg)");

    overwrite(tables, GoldTable.PIPELINE_RUNS,
        "SELECT DATE('2025-03-31') run_date, 1 attempt, stage, 'succeeded' status,"
        + " CAST(r AS BIGINT) rows, CAST(s AS DOUBLE) seconds, CAST(NULL AS STRING) message FROM VALUES"
        + " ('ingest', 30, 12.5), ('features', 6, 8.25), ('segment', 6, 20.0), ('score', 6, 31.0),"
        + " ('kpis', 7, 4.0), ('publish', 6, 3.5) AS t(stage, r, s)");
  }
}
