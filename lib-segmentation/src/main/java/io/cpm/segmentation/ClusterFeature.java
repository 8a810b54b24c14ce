package io.cpm.segmentation;

import java.util.Objects;

/**
 * A k-means input feature: the column, whether it is log-scaled ({@code log1p(max(x, 0))}, for skewed amounts
 * and counts) before z-standardization, and the words used in cluster labels when a centroid lies clearly
 * below ({@code lowWord}) or above ({@code highWord}) the overall mean.
 */
public record ClusterFeature(String column, boolean logScaled, String lowWord, String highWord) {
  public ClusterFeature {
    Objects.requireNonNull(column, "column");
    Objects.requireNonNull(lowWord, "lowWord");
    Objects.requireNonNull(highWord, "highWord");
  }

  /** The feature value after the optional log scaling. */
  double transform(double raw) {
    return logScaled ? Math.log1p(Math.max(raw, 0.0)) : raw;
  }

  /** Inverse of {@link #transform} (for centroids shown in original units). */
  double untransform(double scaled) {
    return logScaled ? Math.expm1(scaled) : scaled;
  }
}
