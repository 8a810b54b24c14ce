package io.cpm.segmentation;

import java.util.List;

/** One fitted k: mean silhouette (squared Euclidean, MLlib ClusteringEvaluator), within-cluster cost, sizes. */
public record ModelRun(int k, double silhouette, double cost, boolean chosen, List<Long> clusterSizes) {
  public ModelRun {
    clusterSizes = List.copyOf(clusterSizes);
  }
}
