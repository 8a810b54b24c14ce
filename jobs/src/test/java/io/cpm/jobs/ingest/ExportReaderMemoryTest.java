package io.cpm.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cpm.jobs.CpmException;
import io.cpm.jobs.ExitCode;
import io.cpm.jobs.RepoFiles;
import io.cpm.jobs.config.CpmConfig;
import io.cpm.metrics.schema.Entity;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.catalyst.InternalRow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory safety at real size (issue 18, point 6): a 1 GB file without a line break and a 100 MB record fail the
 * file with exit 3 and a message naming it and {@code ingest.max-line-bytes}, after reading at most that many
 * bytes, instead of buffering the line until an OutOfMemoryError. The files are generated here (the 1 GB one
 * sparse, so it costs no disk) and read with the default limit (16 MB); the reader needs no Spark.
 */
class ExportReaderMemoryTest {
  private static final long GB = 1L << 30;
  private static final int MB = 1 << 20;
  private static final LocalDate RUN_DATE = LocalDate.of(2025, 3, 29);

  @TempDir
  Path dir;

  private final IngestSettings settings =
      IngestSettings.from(CpmConfig.load(RepoFiles.path("conf/local.conf"), List.of()));

  @Test
  void oneGigabyteFileWithoutLineBreakFailsTheFileWithExit3() throws IOException {
    Path file = dir.resolve("accounts.csv");
    try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
      sparse.setLength(GB);
    }
    ExportReader reader = reader(Entity.ACCOUNTS);
    // ingest reads every CSV file's header before any row: the header is the 1 GB line here.
    assertThatThrownBy(() -> reader.checkHeader(file.toString(), "2025-03-29/crm/accounts.csv", new Configuration()))
        .isInstanceOfSatisfying(CpmException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.DATA_QUALITY))
        .hasMessage("file 2025-03-29/crm/accounts.csv (sources.crm.accounts): line 1 is longer than"
            + " ingest.max-line-bytes = 16777216 bytes (a file without line breaks or a broken export); fix the"
            + " export, or raise ingest.max-line-bytes if rows really are this long");
  }

  @Test
  void hundredMegabyteCsvRecordFailsTheFileWithExit3() throws IOException {
    Path file = dir.resolve("accounts.csv");
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), MB)) {
      out.write(("customer_id,name,industry,region,size,owner_id,created_at,first_contact_at,email,phone\n"
          + "C0000001,Good Ltd,retail,Benelux,small,S001,2025-02-21,2025-02-08,a@b.example,+31 1\n"
          + "C0000002,\"").getBytes(StandardCharsets.US_ASCII));
      writeFiller(out, 100 * MB);
      out.write("\",retail,Benelux,small,S001,2025-02-21,2025-02-08,c@d.example,+31 2\n".getBytes(
          StandardCharsets.US_ASCII));
    }
    Iterator<InternalRow> rows = reader(Entity.ACCOUNTS)
        .read(file.toString(), "2025-03-29/crm/accounts.csv", new Configuration());
    assertThatThrownBy(() -> drain(rows))
        .isInstanceOfSatisfying(CpmException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.DATA_QUALITY))
        .hasMessageStartingWith("file 2025-03-29/crm/accounts.csv (sources.crm.accounts): line 3 is longer than"
            + " ingest.max-line-bytes = 16777216 bytes");
  }

  @Test
  void hundredMegabyteJsonRecordFailsTheFileWithExit3() throws IOException {
    Path file = dir.resolve("tickets.jsonl");
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), MB)) {
      out.write("{\"ticket_id\":\"T1\",\"customer_id\":\"C0000001\",\"topic\":\"".getBytes(StandardCharsets.US_ASCII));
      writeFiller(out, 100 * MB);
      out.write("\"}\n".getBytes(StandardCharsets.US_ASCII));
    }
    Iterator<InternalRow> rows = reader(Entity.TICKETS)
        .read(file.toString(), "2025-03-29/tickets/tickets.jsonl", new Configuration());
    assertThatThrownBy(() -> drain(rows))
        .isInstanceOfSatisfying(CpmException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.DATA_QUALITY))
        .hasMessageStartingWith("file 2025-03-29/tickets/tickets.jsonl (sources.tickets.tickets): line 1 is longer"
            + " than ingest.max-line-bytes = 16777216 bytes");
  }

  private ExportReader reader(Entity entity) {
    return new ExportReader(settings.mapping(entity), settings, RUN_DATE);
  }

  private static void writeFiller(OutputStream out, int bytes) throws IOException {
    byte[] block = new byte[MB];
    Arrays.fill(block, (byte) 'x');
    for (int written = 0; written < bytes; written += block.length) {
      out.write(block, 0, Math.min(block.length, bytes - written));
    }
  }

  private static void drain(Iterator<InternalRow> rows) {
    while (rows.hasNext()) {
      rows.next();
    }
  }
}
