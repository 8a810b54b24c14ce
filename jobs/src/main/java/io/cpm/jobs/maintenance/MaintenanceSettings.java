package io.cpm.jobs.maintenance;

import com.typesafe.config.Config;
import io.cpm.jobs.CpmException;
import java.util.List;
import java.util.Objects;

/** The {@code maintenance} config section (defaults and meaning in cpm-reference/operations.conf). */
public record MaintenanceSettings(double vacuumRetentionHours, List<String> include, List<String> exclude,
    boolean zorder, String zorderColumn, long zorderMinBytes, boolean inNightly) {

  /** Delta's own minimum retention; below it VACUUM must be told explicitly that this is intended. */
  static final double DELTA_DEFAULT_RETENTION_HOURS = 168;

  public MaintenanceSettings {
    if (vacuumRetentionHours < 0) {
      throw CpmException.usage("maintenance.vacuum-retention-hours must be >= 0, got " + vacuumRetentionHours);
    }
    include = List.copyOf(include);
    exclude = List.copyOf(exclude);
    Objects.requireNonNull(zorderColumn, "zorderColumn");
  }

  public static MaintenanceSettings from(Config section) {
    return new MaintenanceSettings(
        section.getDouble("vacuum-retention-hours"),
        section.getStringList("tables"),
        section.getStringList("exclude-tables"),
        section.getBoolean("zorder"),
        section.getString("zorder-column"),
        section.getBytes("zorder-min-bytes"),
        section.getBoolean("in-nightly"));
  }

  /** Whether a table found in the warehouse is maintained under {@code tables} / {@code exclude-tables}. */
  public boolean selects(String table) {
    return (include.isEmpty() || include.contains(table)) && !exclude.contains(table);
  }
}
