package io.cpm.segmentation;

import java.util.Objects;

/**
 * One coordinate of a cluster centroid: the value in the feature's original units (after undoing log scaling),
 * the standardized value z = (scaled − mean) / stddev, and the run's mean and stddev of the scaled feature.
 */
public record Centroid(int clusterId, String clusterLabel, long customers, String feature, double value,
    double standardized, double mean, double stddev, boolean logScaled) {
  public Centroid {
    Objects.requireNonNull(clusterLabel, "clusterLabel");
    Objects.requireNonNull(feature, "feature");
  }
}
