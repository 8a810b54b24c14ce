package io.cpm.jobs.publish;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;

/**
 * Writes one run date's CRM drop, {@code <exports>/crm/<D>/}: the CSV, {@code manifest.json} and, last,
 * {@code _SUCCESS}, through Hadoop's FileSystem so {@code s3a://} roots work like local ones.
 *
 * <p>The CSV and manifest are written under a hidden temporary folder and renamed into place; a rerun first
 * removes the old {@code _SUCCESS}, so a reader that waits for the marker never sees a half-replaced drop.
 * Rows are streamed (never collected as a whole), and the SHA-256 is computed while writing.
 */
public final class CrmFileWriter {
  public static final String MANIFEST = "manifest.json";
  public static final String SUCCESS = "_SUCCESS";
  /** RFC 4180: comma, double-quote quoting where needed, CRLF record separator, a header row. */
  public static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setRecordSeparator("\r\n").build();

  /** Where the drop went and what it holds. */
  public record Written(String directory, String csv, long rows, String sha256) {}

  private final Configuration hadoop;

  public CrmFileWriter(Configuration hadoop) {
    this.hadoop = hadoop;
  }

  /**
   * Writes the drop. {@code cells} yields each row's cells in header order; {@code manifest} holds the
   * descriptive fields, to which the file name, row count and checksum are added.
   */
  public Written write(String directory, String fileName, List<String> headers, Iterator<List<String>> cells,
      Map<String, Object> manifest) {
    Path target = new Path(directory);
    // A private instance without client-side checksums: no .crc side files beside the drop for importers to trip on.
    try (FileSystem fs = FileSystem.newInstance(target.toUri(), hadoop)) {
      fs.setWriteChecksum(false);
      Path staging = new Path(target.getParent(), "_tmp-" + target.getName() + "-" + UUID.randomUUID());
      fs.mkdirs(staging);
      // A failed write (a Spark task error while streaming rows) leaves D's previous drop untouched and no
      // staging folder behind.
      try {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        long rows = 0;
        try (OutputStream raw = fs.create(new Path(staging, fileName), true);
             DigestOutputStream hashed = new DigestOutputStream(raw, digest);
             Writer writer = new OutputStreamWriter(hashed, StandardCharsets.UTF_8);
             CSVPrinter printer = new CSVPrinter(writer, FORMAT)) {
          printer.printRecord(headers);
          while (cells.hasNext()) {
            List<String> row = cells.next();
            if (row.size() != headers.size()) {
              throw new IllegalStateException("row " + (rows + 1) + " has " + row.size() + " cells, header has "
                  + headers.size());
            }
            printer.printRecord(row);
            rows++;
          }
        }
        String sha256 = HexFormat.of().formatHex(digest.digest());
        Map<String, Object> content = new LinkedHashMap<>(manifest);
        content.put("file", fileName);
        content.put("row_count", rows);
        content.put("sha256", sha256);
        try (OutputStream out = fs.create(new Path(staging, MANIFEST), true)) {
          out.write(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(content));
        }

        if (fs.exists(target)) {
          fs.delete(new Path(target, SUCCESS), false);
          fs.delete(target, true);
        }
        fs.mkdirs(target);
        rename(fs, new Path(staging, fileName), new Path(target, fileName));
        rename(fs, new Path(staging, MANIFEST), new Path(target, MANIFEST));
        try (OutputStream out = fs.create(new Path(target, SUCCESS), true)) {
          out.write(new byte[0]);
        }
        return new Written(target.toString(), new Path(target, fileName).toString(), rows, sha256);
      } finally {
        fs.delete(staging, true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write CRM export " + directory + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Converts the formatted export rows (customer_id, cells..., row_hash) into the cells of one CSV row. */
  public static Iterator<List<String>> cells(Iterator<Row> rows, int headerCount) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public List<String> next() {
        Row row = rows.next();
        String[] cells = new String[headerCount];
        for (int i = 0; i < headerCount; i++) {
          cells[i] = row.getString(i + 1);
        }
        return List.of(cells);
      }
    };
  }

  private static void rename(FileSystem fs, Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) {
      throw new IOException("rename " + from + " -> " + to + " failed");
    }
  }
}
