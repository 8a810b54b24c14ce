package io.cpm.jobs.ingest;

import io.cpm.jobs.CpmException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;
import java.util.zip.ZipException;

/**
 * Physical lines of an export's byte stream, decoded strictly line by line so one bad byte costs one row (the
 * line reader of {@link ExportReader}). A line longer than {@code ingest.max-line-bytes} or a truncated gzip fails
 * the file.
 */
final class ExportLines {
  /** One physical line: its 1-based number, decoded text, and the byte offset of an undecodable byte or -1. */
  record Line(long number, String text, int badByte) {}

  private final InputStream in;
  private final String name;
  private final long maxLineBytes;
  private final Function<String, CpmException> fileProblem;
  private final CharsetDecoder decoder;
  private final Charset lenient;
  private final boolean utf8;
  private final Deque<Line> pushedBack = new ArrayDeque<>();
  private final byte[] chunk = new byte[1 << 16];
  private int chunkPosition;
  private int chunkLength;
  private byte[] buffer = new byte[1024];
  private long number;
  private boolean eof;

  /**
   * {@code maxLineBytes}: longest physical line ({@code ingest.max-line-bytes}); {@code fileProblem} turns what is
   * wrong with the file as a whole into the reader's message naming the file and mapping.
   */
  ExportLines(InputStream in, String name, String encoding, long maxLineBytes,
      Function<String, CpmException> fileProblem) {
    this.in = in;
    this.name = name;
    this.maxLineBytes = maxLineBytes;
    this.fileProblem = fileProblem;
    Charset charset = Charset.forName(encoding);
    this.lenient = charset;
    this.utf8 = charset.equals(StandardCharsets.UTF_8);
    this.decoder = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
  }

  void close() {
    try {
      in.close();
    } catch (IOException e) {
      // Only the header was needed; a failing close of a read-only stream loses nothing.
    }
  }

  void pushBack(List<Line> lines) {
    for (int i = lines.size() - 1; i >= 0; i--) {
      pushedBack.addFirst(lines.get(i));
    }
  }

  /** The next line, or null at the end; a trailing CR is dropped, a UTF-8 BOM on line 1 is skipped. */
  Line next() {
    if (!pushedBack.isEmpty()) {
      return pushedBack.removeFirst();
    }
    if (eof) {
      return null;
    }
    int length = 0;
    try {
      while (true) {
        if (chunkPosition == chunkLength) {
          chunkLength = in.read(chunk);
          chunkPosition = 0;
          if (chunkLength <= 0) {
            chunkLength = 0;
            eof = true;
            in.close();
            if (length == 0) {
              return null;
            }
            break;
          }
        }
        int end = chunkPosition;
        while (end < chunkLength && chunk[end] != '\n') {
          end++;
        }
        int count = end - chunkPosition;
        if ((long) length + count > maxLineBytes) {
          // A line this long is no export row (a file without line breaks, a broken export); buffering it
          // would only end in an OutOfMemoryError of the task.
          in.close();
          throw fileProblem.apply("line " + (number + 1) + " is longer than ingest.max-line-bytes = "
              + maxLineBytes + " bytes (a file without line breaks or a broken export); fix the export, or raise"
              + " ingest.max-line-bytes if rows really are this long");
        }
        if (length + count > buffer.length) {
          buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + count));
        }
        System.arraycopy(chunk, chunkPosition, buffer, length, count);
        length += count;
        chunkPosition = end;
        if (end < chunkLength) {
          chunkPosition++;
          break;
        }
      }
    } catch (EOFException | ZipException e) {
      throw fileProblem.apply("truncated or corrupt gzip after line " + number + " (" + e.getMessage()
          + "); re-export the file");
    } catch (IOException e) {
      throw fileProblem.apply("read failed after line " + number + ": " + e.getMessage());
    }
    number++;
    int start = 0;
    if (number == 1 && utf8 && length >= 3 && buffer[0] == (byte) 0xEF && buffer[1] == (byte) 0xBB
        && buffer[2] == (byte) 0xBF) {
      start = 3;
    }
    if (length > start && buffer[length - 1] == '\r') {
      length--;
    }
    return decode(start, length);
  }

  private Line decode(int start, int end) {
    boolean ascii = true;
    for (int i = start; i < end; i++) {
      if (buffer[i] < 0) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      return new Line(number, new String(buffer, start, end - start, StandardCharsets.ISO_8859_1), -1);
    }
    ByteBuffer bytes = ByteBuffer.wrap(buffer, start, end - start);
    try {
      CharBuffer chars = decoder.reset().decode(bytes);
      return new Line(number, chars.toString(), -1);
    } catch (CharacterCodingException e) {
      int bad = firstBadByte(start, end);
      return new Line(number, new String(buffer, start, end - start, lenient), bad);
    }
  }

  private int firstBadByte(int start, int end) {
    ByteBuffer bytes = ByteBuffer.wrap(buffer, start, end - start);
    CharBuffer out = CharBuffer.allocate(end - start + 1);
    decoder.reset().decode(bytes, out, true);
    return bytes.position();
  }
}
