package io.cpm.segmentation;

import java.util.List;

/**
 * Settings of {@link KMeansSegmentation}: features, the k range searched (best silhouette wins, ties to the
 * smaller k), MLlib's iteration limit and seed, the |z| beyond which a centroid coordinate counts as high/low
 * in its label, and the largest centroid distance (in standardized units) at which a cluster keeps the id of
 * the previous run's cluster it is matched to.
 */
public record KMeansParameters(List<ClusterFeature> features, int kMin, int kMax, int maxIterations, long seed,
    double labelThreshold, double maxMatchDistance) {
  public KMeansParameters {
    features = List.copyOf(features);
    if (features.isEmpty()) {
      throw new IllegalArgumentException("Invalid k-means features: none given");
    }
    if (kMin < 2 || kMax < kMin) {
      throw new IllegalArgumentException("Invalid k range: " + kMin + "-" + kMax + " (need 2 <= min <= max)");
    }
    if (kMax > OptimalAssignment.MAX_SIZE) {
      throw new IllegalArgumentException("Invalid k: " + kMax + " (must be <= " + OptimalAssignment.MAX_SIZE + ")");
    }
    if (maxIterations < 1 || labelThreshold <= 0 || maxMatchDistance <= 0) {
      throw new IllegalArgumentException("Invalid k-means settings: max iterations " + maxIterations
          + ", label threshold " + labelThreshold + ", max match distance " + maxMatchDistance + " (all must be > 0)");
    }
  }

  public List<String> columns() {
    return features.stream().map(ClusterFeature::column).toList();
  }
}
