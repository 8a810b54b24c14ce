package io.cpm.jobs.publish;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.cpm.jobs.CpmException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** Settings of the CRM score file ({@code publish.crm} in {@code cpm-reference/publish.conf}). */
public record PublishSettings(String externalIdColumn, String runDateColumn, List<String> columns,
    Map<String, String> columnNames, Set<String> piiColumns, Set<String> piiAllowList, ExportMode mode,
    int decimalPlaces, String fileName) {

  /** Whether a run exports every customer or only those whose exported values changed. */
  public enum ExportMode {
    FULL, INCREMENTAL;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public PublishSettings {
    Objects.requireNonNull(externalIdColumn, "externalIdColumn");
    Objects.requireNonNull(runDateColumn, "runDateColumn");
    columns = List.copyOf(columns);
    columnNames = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(columnNames));
    piiColumns = Set.copyOf(piiColumns);
    piiAllowList = Set.copyOf(piiAllowList);
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(fileName, "fileName");
    if (externalIdColumn.isBlank()) {
      throw CpmException.usage("publish.crm.external-id-column must not be empty");
    }
    if (columns.isEmpty()) {
      throw CpmException.usage("publish.crm.columns must list at least one column");
    }
    if (decimalPlaces < 0 || decimalPlaces > 15) {
      throw CpmException.usage("publish.crm.decimal-places = " + decimalPlaces + " must be within [0, 15]");
    }
    if (fileName.isBlank() || fileName.contains("/") || fileName.startsWith("_") || fileName.startsWith(".")) {
      throw CpmException.usage("publish.crm.file-name = '" + fileName
          + "' must be a plain file name not starting with '_' or '.'");
    }
  }

  /** Reads {@code publish.crm} from the {@code publish} section. */
  public static PublishSettings from(Config publish) {
    try {
      Config crm = publish.getConfig("crm");
      Map<String, String> names = new LinkedHashMap<>();
      for (Map.Entry<String, com.typesafe.config.ConfigValue> e : crm.getConfig("column-names").entrySet()) {
        names.put(e.getKey().replace("\"", ""), String.valueOf(e.getValue().unwrapped()));
      }
      return new PublishSettings(crm.getString("external-id-column"), crm.getString("run-date-column"),
          crm.getStringList("columns"), names, Set.copyOf(crm.getStringList("pii-columns")),
          Set.copyOf(crm.getStringList("pii-allow-list")),
          crm.getBoolean("incremental") ? ExportMode.INCREMENTAL : ExportMode.FULL,
          crm.getInt("decimal-places"), crm.getString("file-name"));
    } catch (ConfigException e) {
      throw CpmException.usage("invalid publish.crm settings: " + e.getMessage());
    }
  }

  /** The same settings with the export mode chosen on the command line. */
  public PublishSettings withMode(ExportMode newMode) {
    return new PublishSettings(externalIdColumn, runDateColumn, columns, columnNames, piiColumns, piiAllowList,
        newMode, decimalPlaces, fileName);
  }

  /** The header of an exported table column. */
  public String header(String column) {
    return columnNames.getOrDefault(column, column);
  }

  /** Whether a column may be exported: not personal data, or personal data explicitly allow-listed. */
  public boolean exportable(String column) {
    return !piiColumns.contains(column) || piiAllowList.contains(column);
  }
}
