package io.cpm.jobs.segment;

import io.cpm.jobs.CpmException;
import io.cpm.jobs.ExitCode;
import io.cpm.segmentation.Centroid;
import io.cpm.segmentation.ClusterFeature;
import io.cpm.segmentation.KMeansParameters;
import io.cpm.segmentation.KMeansResult;
import io.cpm.segmentation.KMeansSegmentation;
import io.cpm.segmentation.ModelRun;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cpm kmeans}: k-means on per-customer recency, frequency and monetary value of a transaction CSV. */
@Command(name = "kmeans", mixinStandardHelpOptions = true,
    description = "k-means clusters of customers in a transaction CSV: silhouette, cost and sizes per k.")
public final class KMeansCommand extends AnalystCommand {
  static final List<ClusterFeature> FEATURES = List.of(
      new ClusterFeature("monetary", true, "low value", "high value"),
      new ClusterFeature("frequency", true, "infrequent", "frequent"),
      new ClusterFeature("recency_days", true, "recent", "lapsed"));

  @ArgGroup(exclusive = true, multiplicity = "1")
  KChoice k;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of k-means|| initialization (default ${DEFAULT-VALUE}).")
  long seed;

  static final class KChoice {
    @Option(names = "--k", paramLabel = "N", description = "Fit exactly k clusters.")
    Integer exact;

    @Option(names = "--k-range", paramLabel = "MIN-MAX", description = "Fit every k in the range, pick the best silhouette.")
    String range;
  }

  @Override
  public Integer call() {
    int[] bounds = bounds();
    TransactionCsv.Loaded loaded = load();
    SegmentSettings configured = settings(seed);
    KMeansParameters params = new KMeansParameters(FEATURES, bounds[0], bounds[1],
        configured.kmeans().maxIterations(), seed, configured.kmeans().labelThreshold(),
        configured.kmeans().maxMatchDistance());
    KMeansResult result;
    try {
      result = KMeansSegmentation.fit(loaded.customers(), params, List.of(), 1);
    } catch (IllegalArgumentException e) {
      throw CpmException.dataQuality(transactions.values().file() + ": " + e.getMessage());
    }
    Map<Integer, String> labels = new LinkedHashMap<>();
    Map<Integer, Long> sizes = new LinkedHashMap<>();
    for (Centroid c : result.centroids()) {
      labels.put(c.clusterId(), c.clusterLabel());
      sizes.put(c.clusterId(), c.customers());
    }
    if (json()) {
      Map<String, Object> json = accounting(loaded);
      json.put("customers", result.customers());
      json.put("features", KMeansSegmentation.describe(params));
      json.put("seed", seed);
      List<Map<String, Object>> runs = new ArrayList<>();
      for (ModelRun run : result.runs()) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("k", run.k());
        r.put("silhouette", run.silhouette());
        r.put("cost", run.cost());
        r.put("cluster_sizes", run.clusterSizes());
        r.put("chosen", run.chosen());
        runs.add(r);
      }
      json.put("runs", runs);
      json.put("chosen_k", result.chosenK());
      List<Map<String, Object>> clusters = new ArrayList<>();
      labels.forEach((id, label) -> clusters.add(Map.of("cluster_id", id, "label", label, "customers", sizes.get(id))));
      json.put("clusters", clusters);
      printJson(json);
    } else {
      out().println(loaded.describe(transactions.values().file().toString()));
      out().println(result.customers() + " customers; features " + KMeansSegmentation.describe(params) + "; seed " + seed);
      out().printf("  %3s  %10s  %14s  %s%n", "k", "silhouette", "cost", "cluster sizes");
      for (ModelRun run : result.runs()) {
        out().printf("  %3d  %10.4f  %14.4f  %s%s%n", run.k(), run.silhouette(), run.cost(), run.clusterSizes(),
            run.chosen() ? "  <- chosen" : "");
      }
      out().println("clusters of k=" + result.chosenK() + ":");
      labels.forEach((id, label) -> out().printf("  %d  %-45s %d customers%n", id, label, sizes.get(id)));
    }
    return ExitCode.OK;
  }

  private int[] bounds() {
    if (k.exact != null) {
      if (k.exact < 2) {
        throw CpmException.usage("--k " + k.exact + ": k must be >= 2");
      }
      return new int[] {k.exact, k.exact};
    }
    String[] parts = k.range.split("-");
    try {
      int min = Integer.parseInt(parts[0].trim());
      int max = Integer.parseInt(parts[1].trim());
      if (parts.length != 2 || min < 2 || max < min) {
        throw new NumberFormatException();
      }
      return new int[] {min, max};
    } catch (RuntimeException e) {
      throw CpmException.usage("--k-range '" + k.range + "': expected MIN-MAX with 2 <= MIN <= MAX, e.g. 2-10");
    }
  }
}
