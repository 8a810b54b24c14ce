package io.cpm.jobs.segment;

import static org.apache.spark.sql.functions.col;

import io.cpm.jobs.ExitCode;
import io.cpm.segmentation.Rfm;
import io.cpm.segmentation.RfmParameters;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cpm rfm}: RFM scores and segments of any transaction CSV, with the nightly stage's rules. */
@Command(name = "rfm", mixinStandardHelpOptions = true,
    description = "RFM scores and segments for a transaction CSV (columns named by options).")
public final class RfmCommand extends AnalystCommand {
  @Option(names = "--out", paramLabel = "DIR",
      description = "Write per-customer scores as CSV (with header) into this directory.")
  Path out;

  @Override
  public Integer call() {
    TransactionCsv.Loaded loaded = load();
    RfmParameters configured = settings(0).rfm();
    RfmParameters params = new RfmParameters("recency_days", "frequency", "monetary",
        configured.activeWindowDays(), configured.segments());
    Dataset<Row> scored = Rfm.score(loaded.customers(), params)
        .select("customer_id", "recency_days", "frequency", "monetary", Rfm.RECENCY_SCORE, Rfm.FREQUENCY_SCORE,
            Rfm.MONETARY_SCORE, Rfm.SCORE, Rfm.SEGMENT)
        .cache();
    Map<String, Long> segments = new LinkedHashMap<>();
    for (Row row : scored.groupBy(Rfm.SEGMENT).count().orderBy(col("count").desc(), col(Rfm.SEGMENT))
        .collectAsList()) {
      segments.put(row.isNullAt(0) ? "none" : row.getString(0), row.getLong(1));
    }
    if (out != null) {
      scored.orderBy("customer_id").coalesce(1).write().mode("overwrite").option("header", "true")
          .csv(out.toAbsolutePath().toString());
    }
    long customers = scored.count();
    if (json()) {
      Map<String, Object> result = accounting(loaded);
      result.put("customers", customers);
      result.put("segments", segments);
      if (out != null) {
        result.put("out", out.toAbsolutePath().toString());
      }
      printJson(result);
    } else {
      out().println(loaded.describe(transactions.values().file().toString()));
      out().println(customers + " customers; RFM segments:");
      segments.forEach((segment, n) -> out().printf("  %-20s %d%n", segment, n));
      if (out != null) {
        out().println("scores written to " + out.toAbsolutePath());
      }
    }
    return ExitCode.OK;
  }
}
