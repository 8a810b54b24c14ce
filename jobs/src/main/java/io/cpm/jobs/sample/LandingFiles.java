package io.cpm.jobs.sample;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.cpm.metrics.schema.Entity;
import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * The open export files of one generation run: one per run-date folder and entity, in the landing layout
 * {@code <root>/<YYYY-MM-DD>/<source>/<entity>.<ext>}. Every file exists (header only when nothing
 * changed that day), rows never contain line breaks, so a row number is a line number.
 */
final class LandingFiles implements Closeable {
  /** RFC 4180 quoting with LF line ends; nulls print as empty fields. */
  static final CSVFormat CSV = CSVFormat.RFC4180.builder().setRecordSeparator('\n').build();
  private static final JsonFactory JSON = new JsonFactory();
  private static final int BUFFER = 32 * 1024;

  private final Path root;
  private final List<LocalDate> folders;
  private final ExportFile[][] files;

  LandingFiles(Path root, List<LocalDate> folders) {
    this.root = root;
    this.folders = List.copyOf(folders);
    Entity[] entities = Entity.values();
    this.files = new ExportFile[folders.size()][entities.length];
    for (int f = 0; f < folders.size(); f++) {
      for (Entity entity : entities) {
        files[f][entity.ordinal()] = new ExportFile(root.resolve(relativePath(folders.get(f), entity)), entity);
      }
    }
  }

  static String fileName(Entity entity) {
    return switch (entity) {
      case ORDER_LINES -> entity.entityName() + ".csv.gz";
      case TICKETS -> entity.entityName() + ".jsonl";
      default -> entity.entityName() + ".csv";
    };
  }

  static String relativePath(LocalDate folder, Entity entity) {
    return folder + "/" + entity.source() + "/" + fileName(entity);
  }

  List<LocalDate> folders() {
    return folders;
  }

  Path root() {
    return root;
  }

  ExportFile file(int folder, Entity entity) {
    return files[folder][entity.ordinal()];
  }

  void write(int folder, Entity entity, Object[] values) {
    files[folder][entity.ordinal()].write(values);
  }

  long rows(Entity entity) {
    long total = 0;
    for (ExportFile[] folder : files) {
      total += folder[entity.ordinal()].dataRows;
    }
    return total;
  }

  @Override
  public void close() {
    for (ExportFile[] folder : files) {
      for (ExportFile file : folder) {
        file.close();
      }
    }
  }

  /** One export file, written row by row; remembers its first data row as a template for bad rows. */
  static final class ExportFile {
    private final Path path;
    private final Entity entity;
    private final OutputStream bytes;
    private final Writer text;
    private final CSVPrinter csv;
    private final JsonGenerator json;
    private long dataRows;
    private long lines;
    private Object[] firstRow;

    private ExportFile(Path path, Entity entity) {
      this.path = path;
      this.entity = entity;
      try {
        Files.createDirectories(path.getParent());
        OutputStream out = new BufferedOutputStream(Files.newOutputStream(path), BUFFER);
        this.bytes = entity == Entity.ORDER_LINES ? new GZIPOutputStream(out, BUFFER) : out;
        if (entity == Entity.TICKETS) {
          this.text = null;
          this.csv = null;
          this.json = JSON.createGenerator(bytes, JsonEncoding.UTF8);
          json.setRootValueSeparator(null);
        } else {
          this.text = new BufferedWriter(new OutputStreamWriter(bytes, StandardCharsets.UTF_8), BUFFER);
          this.json = null;
          this.csv = new CSVPrinter(text, CSV);
          csv.printRecord((Object[]) entity.schema().fieldNames());
          lines = 1;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create " + path, e);
      }
    }

    Entity entity() {
      return entity;
    }

    Path path() {
      return path;
    }

    long dataRows() {
      return dataRows;
    }

    /** The first data row written, or null when the file has none. */
    Object[] firstRow() {
      return firstRow == null ? null : firstRow.clone();
    }

    void write(Object[] values) {
      try {
        if (json != null) {
          writeJson(json, entity, values);
          json.writeRaw('\n');
        } else {
          // print value by value: printRecord(Object...) goes through a Stream per row, measurably slower
          for (Object value : values) {
            csv.print(value);
          }
          csv.println();
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + path, e);
      }
      if (firstRow == null) {
        firstRow = values.clone();
      }
      dataRows++;
      lines++;
    }

    /** Appends one raw line (bytes as given, plus LF) and returns its line number. */
    long appendRaw(byte[] line) {
      try {
        if (json != null) {
          json.flush();
        } else {
          csv.flush();
        }
        bytes.write(line);
        bytes.write('\n');
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + path, e);
      }
      lines++;
      return lines;
    }

    private void close() {
      try {
        if (json != null) {
          json.close();
        } else {
          csv.close();
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot close " + path, e);
      }
    }
  }

  /** One row as a JSON object whose field names are the canonical columns; numbers stay numbers. */
  static void writeJson(JsonGenerator json, Entity entity, Object[] values) throws IOException {
    String[] names = entity.schema().fieldNames();
    json.writeStartObject();
    for (int i = 0; i < names.length; i++) {
      Object value = values[i];
      json.writeFieldName(names[i]);
      if (value == null) {
        json.writeNull();
      } else if (value instanceof Integer number) {
        json.writeNumber(number);
      } else if (value instanceof Amount amount) {
        json.writeNumber(amount.toString());
      } else {
        json.writeString(value.toString());
      }
    }
    json.writeEndObject();
  }

  /** The line a row would have in a file of this entity, without line end. */
  static byte[] formatLine(Entity entity, Object[] values) {
    try {
      if (entity == Entity.TICKETS) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (JsonGenerator json = JSON.createGenerator(buffer, JsonEncoding.UTF8)) {
          writeJson(json, entity, values);
        }
        return buffer.toByteArray();
      }
      return CSV.format(values).getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
