package io.cpm.jobs.report;

import io.cpm.jobs.report.RunReport.Heading;
import io.cpm.jobs.report.RunReport.Section;
import io.cpm.jobs.report.Svg.Bar;
import io.cpm.jobs.storage.Tables;
import io.cpm.metrics.schema.GoldTable;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The run report's lifecycle funnel: customers per lifecycle stage of the run date, in customer order. */
final class LifecycleSection {
  private static final Heading HEADING = new Heading("lifecycle", "Lifecycle funnel");

  private LifecycleSection() {}

  static final List<String> LIFECYCLE_ORDER = List.of("prospect", "new", "growing", "mature", "at_risk",
      "churned", "reactivated");

  static Section section(Tables tables, LocalDate runDate) {
    if (!tables.exists(GoldTable.CUSTOMER_SEGMENTS.table())
        || !Arrays.asList(tables.read(GoldTable.CUSTOMER_SEGMENTS.table()).columns()).contains("lifecycle_stage")) {
      return HEADING.note("customer_segments with lifecycle_stage has not been written yet.");
    }
    Map<String, Double> byStage = new LinkedHashMap<>();
    LIFECYCLE_ORDER.forEach(s -> byStage.put(s, 0.0));
    for (Bar bar : SectionData.counts(tables.readRunDate(GoldTable.CUSTOMER_SEGMENTS.table(), runDate), "lifecycle_stage")) {
      byStage.merge(bar.label(), bar.value(), Double::sum);
    }
    List<Bar> stages = byStage.entrySet().stream().map(e -> new Bar(e.getKey(), e.getValue())).toList();
    return HEADING.body(Svg.funnel(stages, "lifecycle funnel"));
  }
}
