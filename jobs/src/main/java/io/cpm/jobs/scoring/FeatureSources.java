package io.cpm.jobs.scoring;

import io.cpm.jobs.config.CpmConfig;
import io.cpm.jobs.features.FeaturesSettings;
import io.cpm.metrics.features.CustomerFeatures;

/**
 * Where scoring commands get point-in-time customer features: the {@code customer_features} partition the
 * features stage wrote for that date when there is one, otherwise computed from silver as of the date with
 * the same library function (so a first run needs no features backfill for past churn snapshots).
 */
public final class FeatureSources {
  private FeatureSources() {}

  public static FeatureSource forConfig(CpmConfig config) {
    FeaturesSettings settings = FeaturesSettings.from(config);
    WarehouseFeatureSource stored = new WarehouseFeatureSource();
    return (context, asOf) -> stored.hasPartition(context, asOf)
        ? stored.featuresAsOf(context, asOf)
        : CustomerFeatures.compute(context.silver(), settings.parameters(), asOf);
  }
}
