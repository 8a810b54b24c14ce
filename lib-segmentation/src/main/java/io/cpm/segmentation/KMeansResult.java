package io.cpm.segmentation;

import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Outcome of {@link KMeansSegmentation#fit}: every k tried, the chosen model's centroids under their stable ids,
 * and the assignment of each clustered customer ({@code customer_id, cluster_id, cluster_label}).
 */
public record KMeansResult(int chosenK, long customers, List<ModelRun> runs, List<Centroid> centroids,
    Dataset<Row> assignments) {
  public KMeansResult {
    runs = List.copyOf(runs);
    centroids = List.copyOf(centroids);
    Objects.requireNonNull(assignments, "assignments");
  }
}
