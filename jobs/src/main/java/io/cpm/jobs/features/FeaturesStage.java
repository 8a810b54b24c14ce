package io.cpm.jobs.features;

import io.cpm.jobs.CpmException;
import io.cpm.jobs.pipeline.PipelineContext;
import io.cpm.jobs.pipeline.Stage;
import io.cpm.jobs.pipeline.StageResult;
import io.cpm.metrics.features.CustomerFeatures;
import io.cpm.metrics.features.UnknownCurrencyException;
import io.cpm.metrics.schema.GoldTable;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Stage {@code features}: silver tables → {@code customer_features} for the run date (one row per customer). */
public final class FeaturesStage implements Stage {
  public static final String NAME = "features";
  public static final String TABLE = GoldTable.CUSTOMER_FEATURES.table();

  private final FeaturesSettings settings;

  public FeaturesStage(FeaturesSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /** The stage with the {@code features} settings of {@code config}. */
  public static FeaturesStage from(io.cpm.jobs.config.CpmConfig config) {
    return new FeaturesStage(FeaturesSettings.from(config));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public StageResult run(PipelineContext context) {
    Dataset<Row> features;
    try {
      features = CustomerFeatures.compute(context.silver(), settings.parameters(), context.runDate());
    } catch (UnknownCurrencyException e) {
      throw CpmException.dataQuality("orders/invoices: " + e.getMessage());
    }
    long rows = context.tables().replaceRunDateAndCount(features, TABLE, context.runDate());
    // Features whose source is not exported are null for everyone: one note per reason, naming the features.
    java.util.Map<String, java.util.List<String>> byReason = new java.util.TreeMap<>();
    CustomerFeatures.unavailable(context.silver())
        .forEach((feature, reason) -> byReason.computeIfAbsent(reason, r -> new java.util.ArrayList<>()).add(feature));
    java.util.List<String> notes = new java.util.ArrayList<>();
    byReason.forEach((reason, names) -> notes.add(io.cpm.jobs.pipeline.NotComputed.note("feature",
        String.join(",", names), reason)));
    io.cpm.jobs.pipeline.NotComputed.record(context, NAME, notes);
    return new StageResult(NAME, rows, Map.of(TABLE, context.tables().qualifiedName(TABLE)), notes);
  }
}
