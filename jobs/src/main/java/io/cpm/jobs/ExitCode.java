package io.cpm.jobs;

/** Process exit codes (docs/architecture.md, "Run semantics"); Airflow and scripts branch on them. */
public final class ExitCode {
  public static final int OK = 0;
  public static final int INTERNAL_ERROR = 1;
  public static final int USAGE = 2;
  public static final int DATA_QUALITY = 3;
  public static final int INPUT_MISSING = 4;

  private ExitCode() {}
}
