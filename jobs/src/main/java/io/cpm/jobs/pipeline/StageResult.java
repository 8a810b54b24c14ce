package io.cpm.jobs.pipeline;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a stage produced: the number of rows it wrote (its main output), where each output went (by output
 * name: a table's catalog name such as {@code cpm.customer_scores}, a file's path or URL), and notes worth
 * printing in the run summary.
 */
public record StageResult(String stage, long rows, Map<String, String> outputs, List<String> notes) {
  public StageResult {
    outputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
    notes = List.copyOf(notes);
  }

  public static StageResult of(String stage, long rows, Map<String, String> outputs) {
    return new StageResult(stage, rows, outputs, List.of());
  }
}
