package io.cpm.jobs.ingest;

/**
 * Why a row was quarantined (column {@code reason_code} of {@code quarantine}). A row gets the first that
 * applies, in this order: the line itself (encoding, quoting, field count), then key columns, then each
 * other column in schema order, then the business date, then duplicates, identity conflicts and customer
 * references.
 */
public enum ReasonCode {
  /** Bytes that do not decode in the mapping's encoding (UTF-8 by default). */
  INVALID_UTF8,
  /** Unbalanced quotes or text after a closing quote (CSV); not a JSON object (JSON Lines). */
  MALFORMED_LINE,
  /** A CSV record with more or fewer fields than the header. */
  WRONG_FIELD_COUNT,
  /** The mapping's row filter ({@code where}) does not keep the row; not counted by the quarantine-rate gate. */
  FILTERED,
  /** A business key column is empty. */
  MISSING_KEY,
  /** A non-nullable column other than the key is empty. */
  MISSING_REQUIRED,
  /** A date or timestamp that does not match the mapping's pattern or does not exist (2025-02-30). */
  BAD_DATE,
  /** An integer or decimal that does not parse or does not fit its column. */
  BAD_NUMBER,
  /** A boolean that is not true/false (also accepted: yes/no, 1/0). */
  BAD_VALUE,
  /** A money column listed in ingest.non-negative below zero. */
  NEGATIVE_AMOUNT,
  /** A value outside its ingest.ranges bounds (NPS score outside 0-10, ...). */
  OUT_OF_RANGE,
  /** The entity's business date is after the run date. */
  FUTURE_DATE,
  /**
   * The mapping declares {@code distinct-by} and an earlier (or, with {@code newest-by}, a newer) row has the
   * same values: one export row per order line feeding orders and customers. Not counted by the gate.
   */
  DEDUPLICATED,
  /** The key was already seen earlier in the same file; the first occurrence is kept. */
  DUPLICATE_KEY,
  /**
   * The customer reference (customer_id as the export wrote it) meets two or more customers under an identity
   * rule (ingest.identity.rules); the message names the rule and the candidates. Never merged silently.
   */
  IDENTITY_CONFLICT,
  /** customer_id is neither in silver customers nor among this run's accepted accounts. */
  UNKNOWN_CUSTOMER,
  /** An order or invoice currency that is neither features.currency.base nor in features.currency.rates. */
  UNKNOWN_CURRENCY
}
