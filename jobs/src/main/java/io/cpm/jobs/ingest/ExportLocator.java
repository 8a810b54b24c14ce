package io.cpm.jobs.ingest;

import io.cpm.jobs.CpmException;
import io.cpm.jobs.ExitCode;
import io.cpm.metrics.schema.Entity;
import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Finds the export files of a run date: each enabled mapping's files under
 * {@code <landing>/<run date>/<folder>/}, whether the export has fully arrived, and the files no mapping reads.
 * The one place that decides what a missing folder, marker or file means (also for {@code cpm check-mapping}).
 */
final class ExportLocator {
  private ExportLocator() {}

  /** What a mapping found in its landing folder; {@link #exitCode()} says whether the run may go on. */
  enum Arrival {
    ARRIVED(ExitCode.OK),
    /** An optional file ({@code required = false}) was not delivered: the run goes on without it. */
    OPTIONAL_FILE_MISSING(ExitCode.OK),
    // An export still being copied: retry later (exit 4), do not give up.
    FOLDER_MISSING(ExitCode.INPUT_MISSING),
    MARKER_MISSING(ExitCode.INPUT_MISSING),
    REQUIRED_FILE_MISSING(ExitCode.INPUT_MISSING);

    private final int exitCode;

    Arrival(int exitCode) {
      this.exitCode = exitCode;
    }

    int exitCode() {
      return exitCode;
    }
  }

  /** One mapping's files in {@code folder} (sorted), and what that means for the run. */
  record Listing(Path folder, List<FileStatus> files, Arrival arrival) {
    Listing {
      files = List.copyOf(files);
    }
  }

  /** The located work of a run: one item per enabled mapping, and the export files no mapping matches. */
  record Located(List<EntityWork> work, List<String> strays) {
    Located {
      work = List.copyOf(work);
      strays = List.copyOf(strays);
    }
  }

  /** The landing folder a mapping reads for a run date (a mapping may read another source's folder). */
  static Path folder(String landing, LocalDate runDate, SourceMapping mapping) {
    return new Path(landing + "/" + runDate + "/" + mapping.folder());
  }

  /**
   * Lists one mapping's files. {@code completionMarker} (empty: none) must be in the folder before it is read.
   *
   * @throws IOException when the folder cannot be listed
   */
  static Listing list(SourceMapping mapping, Path folder, FileSystem fs, String completionMarker) throws IOException {
    if (!fs.isDirectory(folder)) {
      return new Listing(folder, List.of(), Arrival.FOLDER_MISSING);
    }
    if (!completionMarker.isEmpty() && !fs.isFile(new Path(folder, completionMarker))) {
      return new Listing(folder, List.of(), Arrival.MARKER_MISSING);
    }
    FileStatus[] matches = fs.globStatus(new Path(folder, mapping.file()));
    List<FileStatus> files = matches == null ? List.of()
        : Arrays.stream(matches).filter(FileStatus::isFile).sorted().toList();
    Arrival arrival = !files.isEmpty() ? Arrival.ARRIVED
        : mapping.required() ? Arrival.REQUIRED_FILE_MISSING : Arrival.OPTIONAL_FILE_MISSING;
    return new Listing(folder, files, arrival);
  }

  /**
   * Finds each entity's files of {@code sources}. An export that has not fully arrived (see {@link Arrival}) is
   * thrown with its exit code, naming every missing folder, marker or file at once. Files of a source folder
   * that match no mapping are returned as strays (named in the run summary, not read).
   */
  static Located locate(IngestSettings settings, List<String> sources, String landing, LocalDate runDate,
      Configuration conf) {
    String marker = settings.completionMarker();
    List<EntityWork> result = new ArrayList<>();
    List<String> notArrived = new ArrayList<>();
    List<String> missingFiles = new ArrayList<>();
    // Export file names matched by some mapping, per landing folder (a folder's other files are strays).
    Map<String, Set<String>> matchedByFolder = new LinkedHashMap<>();
    List<String> strays = new ArrayList<>();
    try {
      for (String source : sources) {
        for (Entity entity : Entity.ofSource(source)) {
          SourceMapping mapping = settings.mapping(entity);
          if (!mapping.enabled()) {
            continue;
          }
          Path folder = folder(landing, runDate, mapping);
          Listing listing = list(mapping, folder, folder.getFileSystem(conf), marker);
          switch (listing.arrival()) {
            case FOLDER_MISSING -> addOnce(notArrived, folder.toString());
            case MARKER_MISSING -> addOnce(notArrived,
                new Path(folder, marker) + " (completion marker, ingest.completion-marker)");
            case REQUIRED_FILE_MISSING ->
                missingFiles.add(new Path(folder, mapping.file()) + " (" + mapping.configKey() + ".required = true)");
            case ARRIVED, OPTIONAL_FILE_MISSING -> { }
          }
          if (listing.arrival() == Arrival.FOLDER_MISSING || listing.arrival() == Arrival.MARKER_MISSING) {
            continue;
          }
          Set<String> matched = matchedByFolder.computeIfAbsent(mapping.folder(), k -> new HashSet<>());
          listing.files().forEach(f -> matched.add(f.getPath().getName()));
          List<String> paths = listing.files().stream().map(f -> f.getPath().toString()).toList();
          List<String> names = listing.files().stream()
              .map(f -> runDate + "/" + mapping.folder() + "/" + f.getPath().getName()).toList();
          result.add(new EntityWork(entity, mapping, paths, names,
              listing.files().stream().map(FileStatus::getLen).toList()));
        }
      }
      for (Map.Entry<String, Set<String>> folderFiles : matchedByFolder.entrySet()) {
        Path folder = new Path(landing + "/" + runDate + "/" + folderFiles.getKey());
        for (FileStatus f : folder.getFileSystem(conf).listStatus(folder)) {
          String name = f.getPath().getName();
          // Hidden and underscore files (.part uploads, _SUCCESS, Hadoop's _temporary) are not exports.
          if (f.isFile() && !folderFiles.getValue().contains(name) && !name.startsWith(".") && !name.startsWith("_")
              && !name.equals(marker)) {
            strays.add(runDate + "/" + folderFiles.getKey() + "/" + name);
          }
        }
      }
    } catch (IOException e) {
      throw CpmException.inputMissing("cannot list landing folder under " + landing + ": " + e.getMessage());
    }
    if (!notArrived.isEmpty()) {
      throw new CpmException(Arrival.FOLDER_MISSING.exitCode(), "export not arrived: " + String.join(", ", notArrived)
          + "; retry when the export is complete");
    }
    if (!missingFiles.isEmpty()) {
      throw new CpmException(Arrival.REQUIRED_FILE_MISSING.exitCode(), "export incomplete, required file not arrived: "
          + String.join(", ", missingFiles) + "; retry later, or set required = false for that mapping in"
          + " conf/sources.conf if it may be absent");
    }
    Collections.sort(strays);
    return new Located(result, strays);
  }

  private static void addOnce(List<String> list, String item) {
    if (!list.contains(item)) {
      list.add(item);
    }
  }
}
