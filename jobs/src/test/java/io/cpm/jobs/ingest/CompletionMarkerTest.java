package io.cpm.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cpm.jobs.CpmException;
import io.cpm.jobs.ExitCode;
import io.cpm.jobs.RepoFiles;
import io.cpm.jobs.config.CpmConfig;
import io.cpm.metrics.schema.Entity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Completion markers per source (issue 18, point 4): {@code ingest.completion-markers.<source>} overrides
 * {@code ingest.completion-marker} for that source's landing folder, so exporters that write different markers
 * (or only some of them one) are each waited for; a missing marker is exit 4 naming the folder, the marker and
 * the key that asked for it. Locating files needs no Spark.
 */
class CompletionMarkerTest {
  private static final LocalDate D = LocalDate.of(2025, 3, 29);
  private static final List<String> SOURCES = List.of("crm", "erp", "tickets");

  @TempDir
  Path landing;

  @Test
  void perSourceMarkerIsWaitedForOnlyInItsFolder() throws IOException {
    IngestSettings settings = settings("ingest.completion-markers.erp=export.done");
    assertThat(settings.completionMarker("erp")).isEqualTo("export.done");
    assertThat(settings.completionMarker("crm")).isEmpty();
    deliverAllFiles(settings);

    assertThatThrownBy(() -> locate(settings))
        .isInstanceOfSatisfying(CpmException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INPUT_MISSING))
        .hasMessage("export not arrived: " + landing + "/2025-03-29/erp/export.done (completion marker,"
            + " ingest.completion-markers.erp); retry when the export is complete");

    Files.writeString(folder("erp").resolve("export.done"), "");
    ExportLocator.Located located = locate(settings);
    assertThat(located.work()).hasSize(Entity.values().length);
    // The marker is no export file: not listed as a stray.
    assertThat(located.strays()).isEmpty();
  }

  @Test
  void sourceCanOptOutOfTheDefaultMarker() throws IOException {
    IngestSettings settings = settings("ingest.completion-marker=_SUCCESS", "ingest.completion-markers.tickets=\"\"");
    deliverAllFiles(settings);
    Files.writeString(folder("erp").resolve("_SUCCESS"), "");

    assertThatThrownBy(() -> locate(settings))
        .isInstanceOfSatisfying(CpmException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INPUT_MISSING))
        .hasMessageContaining("/crm/_SUCCESS (completion marker, ingest.completion-marker)")
        .hasMessageNotContaining("tickets");

    Files.writeString(folder("crm").resolve("_SUCCESS"), "");
    assertThat(locate(settings).work()).hasSize(Entity.values().length);
  }

  @Test
  void markerForAnUnknownSourceIsAConfigError() {
    assertThatThrownBy(() -> settings("ingest.completion-markers.shop=_SUCCESS"))
        .isInstanceOfSatisfying(CpmException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
        .hasMessageStartingWith("ingest.completion-markers.shop: not a source, expected one of [crm, erp, tickets]");
  }

  private static IngestSettings settings(String... overrides) {
    return IngestSettings.from(CpmConfig.load(RepoFiles.path("conf/local.conf"), List.of(overrides)));
  }

  private ExportLocator.Located locate(IngestSettings settings) {
    return ExportLocator.locate(settings, SOURCES, landing.toString(), D, new Configuration());
  }

  private Path folder(String source) {
    return landing.resolve(D.toString()).resolve(source);
  }

  private void deliverAllFiles(IngestSettings settings) throws IOException {
    for (Entity entity : Entity.values()) {
      SourceMapping mapping = settings.mapping(entity);
      Files.createDirectories(folder(mapping.folder()));
      Files.writeString(folder(mapping.folder()).resolve(mapping.file()), "");
    }
  }
}
