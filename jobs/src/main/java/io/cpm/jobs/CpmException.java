package io.cpm.jobs;

/**
 * An error a user can act on. The message says what is wrong and where (file, row, column, config key);
 * the exit code tells a scheduler whether to retry.
 */
public class CpmException extends RuntimeException {
  private final int exitCode;

  public CpmException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public CpmException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }

  /** Bad configuration or arguments: exit 2. */
  public static CpmException usage(String message) {
    return new CpmException(ExitCode.USAGE, message);
  }

  /** A data-quality gate failed or a whole input file is unusable: exit 3, do not retry. */
  public static CpmException dataQuality(String message) {
    return new CpmException(ExitCode.DATA_QUALITY, message);
  }

  /** An expected input has not arrived yet: exit 4, a scheduler may retry later. */
  public static CpmException inputMissing(String message) {
    return new CpmException(ExitCode.INPUT_MISSING, message);
  }
}
