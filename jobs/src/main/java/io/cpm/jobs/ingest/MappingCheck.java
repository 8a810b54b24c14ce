package io.cpm.jobs.ingest;

import io.cpm.jobs.CpmException;
import io.cpm.jobs.ExitCode;
import io.cpm.jobs.config.CpmConfig;
import io.cpm.metrics.schema.Entity;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * {@code cpm check-mapping}: for every mapped file of a run date, reads the header and the first rows exactly as
 * ingest would (same reader, same reason codes) without starting Spark, and prints per mapping the columns found
 * and missing, the expressions' problems, a sample of parsed rows and the reason codes the sample gets. Its cost
 * does not grow with the file size. {@code cpm ingest --dry-run} runs it too.
 */
public final class MappingCheck {
  private static final int SAMPLE_ROWS_SHOWN = 3;

  private MappingCheck() {}

  /**
   * Checks the mappings of {@code sources} against the files for {@code runDate}; returns the exit code:
   * 0 when every file's header suits its mapping, 3 when a file cannot be ingested, 4 when the export has not
   * fully arrived (as {@link ExportLocator.Arrival} decides for ingest).
   * A config problem (an unknown function, a bad pattern) is thrown as a usage error (exit 2) before.
   */
  public static int run(CpmConfig config, LocalDate runDate, List<String> sources, int rows, PrintWriter out) {
    IngestSettings settings = IngestSettings.from(config);
    Configuration hadoop = new Configuration();
    String landing = config.landingRoot();
    boolean fileProblem = false;
    int notArrived = ExitCode.OK;
    for (String source : sources) {
      for (Entity entity : Entity.ofSource(source)) {
        SourceMapping mapping = settings.mapping(entity);
        out.println(mapping.configKey() + "  (" + mapping.origin() + ")");
        if (!mapping.enabled()) {
          out.println("  disabled (enabled = false): not ingested");
          continue;
        }
        Path folder = ExportLocator.folder(landing, runDate, mapping);
        ExportLocator.Listing listing;
        try {
          listing = ExportLocator.list(mapping, folder, folder.getFileSystem(hadoop), settings.completionMarker());
        } catch (IOException | IllegalArgumentException e) {
          // IllegalArgumentException: a path the file system rejects, e.g. s3a:// without a bucket when the
          // bucket comes from an environment variable that is not set here.
          out.println("  cannot list " + folder + ": " + e.getMessage());
          notArrived = ExitCode.INPUT_MISSING;
          continue;
        }
        ExportLocator.Arrival arrival = listing.arrival();
        if (arrival.exitCode() != ExitCode.OK) {
          notArrived = arrival.exitCode();
        }
        switch (arrival) {
          case FOLDER_MISSING -> out.println("  folder not arrived: " + folder);
          case MARKER_MISSING -> out.println("  completion marker not arrived: " + new Path(folder,
              settings.completionMarker()) + " (ingest.completion-marker; ingest exits " + arrival.exitCode() + ")");
          case REQUIRED_FILE_MISSING -> out.println("  no file matches " + mapping.file()
              + " (required: ingest exits " + arrival.exitCode() + ", export incomplete; retry later)");
          case OPTIONAL_FILE_MISSING -> out.println("  no file matches " + mapping.file() + " (optional)");
          case ARRIVED -> { }
        }
        if (arrival != ExportLocator.Arrival.ARRIVED) {
          continue;
        }
        List<FileStatus> files = listing.files();
        ExportReader reader = new ExportReader(mapping, settings, runDate, settings.maxLineBytes());
        for (FileStatus file : files) {
          String name = runDate + "/" + mapping.folder() + "/" + file.getPath().getName();
          fileProblem |= !checkFile(reader, mapping, file.getPath().toString(), name, hadoop, rows, out);
        }
      }
    }
    out.flush();
    return notArrived != ExitCode.OK ? notArrived : fileProblem ? ExitCode.DATA_QUALITY : ExitCode.OK;
  }

  private static boolean checkFile(ExportReader reader, SourceMapping mapping, String path, String name,
      Configuration hadoop, int rows, PrintWriter out) {
    out.println("  " + name);
    List<String> canonical = Arrays.asList(mapping.entity().schema().fieldNames());
    try {
      List<String> header = reader.checkHeader(path, name, hadoop);
      if (header != null) {
        out.println("    columns found: " + String.join(", ", header));
        List<String> fed = new ArrayList<>();
        List<String> unfed = new ArrayList<>();
        for (String column : canonical) {
          String from = mapping.derived().stream().filter(d -> d.column().equals(column)).map(d -> "= " + d.sql())
              .findFirst().orElse(null);
          if (from == null) {
            from = mapping.columns().entrySet().stream().filter(e -> e.getValue().equals(column)
                && header.contains(e.getKey())).map(e -> "<- " + e.getKey()).findFirst().orElse(null);
          }
          if (from == null) {
            unfed.add(column + (mapping.requiredColumns().contains(column) ? " (required)" : ""));
          } else {
            fed.add(column + " " + from);
          }
        }
        out.println("    mapped: " + String.join("; ", fed));
        out.println("    not in this export (null): " + (unfed.isEmpty() ? "-" : String.join(", ", unfed)));
      }
      List<InternalRow> sample = reader.sample(path, name, hadoop, rows);
      Map<String, Long> reasons = new TreeMap<>();
      Map<String, String> firstMessage = new TreeMap<>();
      List<String> shown = new ArrayList<>();
      for (InternalRow row : sample) {
        String reason = row.isNullAt(6) ? null : row.getUTF8String(6).toString();
        if (reason == null && row.getBoolean(9)) {
          reason = mapping.distinctBy().isEmpty() ? ReasonCode.DUPLICATE_KEY.name()
              : ReasonCode.DEDUPLICATED.name();
        }
        if (reason != null) {
          reasons.merge(reason, 1L, Long::sum);
          firstMessage.putIfAbsent(reason, "line " + row.getLong(1) + ": "
              + (row.isNullAt(7) ? "repeats an earlier key in the sample" : row.getUTF8String(7).toString()));
        } else if (shown.size() < SAMPLE_ROWS_SHOWN) {
          InternalRow raw = row.getStruct(2, canonical.size());
          List<String> values = new ArrayList<>();
          for (int i = 0; i < canonical.size(); i++) {
            if (!raw.isNullAt(i)) {
              values.add(canonical.get(i) + "=" + raw.getUTF8String(i));
            }
          }
          shown.add("line " + row.getLong(1) + ": " + String.join(", ", values));
        }
      }
      long accepted = sample.size() - reasons.values().stream().mapToLong(Long::longValue).sum();
      out.println(String.format(Locale.ROOT, "    first %,d rows: %,d accepted by the row checks%s", sample.size(),
          accepted, reasons.isEmpty() ? "" : ", " + reasons));
      for (Map.Entry<String, String> e : firstMessage.entrySet()) {
        out.println("      " + e.getKey() + ", e.g. " + e.getValue());
      }
      for (String row : shown) {
        out.println("    sample " + row);
      }
      if (!mapping.distinctBy().isEmpty()) {
        out.println("    repeats of " + String.join(", ", mapping.distinctBy()) + " collapse to one row ("
            + (mapping.newestBy() == null ? "the first wins" : "the latest " + mapping.newestBy() + " wins") + ")");
      }
      return true;
    } catch (CpmException e) {
      out.println("    PROBLEM: " + e.getMessage());
      return false;
    }
  }
}
