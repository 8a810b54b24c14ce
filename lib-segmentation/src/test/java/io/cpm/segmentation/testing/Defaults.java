package io.cpm.segmentation.testing;

import io.cpm.segmentation.ClusterFeature;
import io.cpm.segmentation.KMeansParameters;
import io.cpm.segmentation.LifecycleParameters;
import io.cpm.segmentation.RfmParameters;
import io.cpm.segmentation.TierParameters;
import java.util.List;

/** Parameter sets used by the library tests (the same values as the shipped segments.conf defaults). */
public final class Defaults {
  private Defaults() {}

  public static RfmParameters rfm() {
    return new RfmParameters("recency_days", "order_count_lifetime", "revenue_lifetime", 730,
        RfmParameters.standardSegments());
  }

  public static TierParameters tiers() {
    return new TierParameters("revenue_12m", TierParameters.ThresholdMode.PERCENTILE, 0.8, 0.4, 30, 60, 120);
  }

  public static LifecycleParameters lifecycle() {
    return new LifecycleParameters(90, 1.2, 2.0, 45, 120, 0.25, 4, 0.5, 9, 365, 90);
  }

  public static List<ClusterFeature> clusterFeatures() {
    return List.of(new ClusterFeature("monetary_12m", true, "low value", "high value"),
        new ClusterFeature("frequency_12m", true, "infrequent", "frequent"),
        new ClusterFeature("recency_days", true, "recent", "lapsed"),
        new ClusterFeature("activities_90d", true, "quiet", "engaged"));
  }

  public static KMeansParameters kmeans(int kMin, int kMax, long seed) {
    return new KMeansParameters(clusterFeatures(), kMin, kMax, 30, seed, 0.5, 1.0);
  }
}
