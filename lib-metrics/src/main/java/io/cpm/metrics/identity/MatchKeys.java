package io.cpm.metrics.identity;

import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.substring_index;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * Normalized match keys for deterministic identity resolution, as Spark columns.
 *
 * <p>Each function maps a raw value to the key two systems' records are compared on, or to null when the value
 * cannot serve as a key (blank, malformed, or a free-mail domain for a domain match). Null keys never match:
 * a record without a usable key stays unmatched rather than joining every other record without one.
 */
public final class MatchKeys {
  /** Free-mail and ISP domains: many unrelated people share them, so a domain match on them means nothing. */
  public static final Set<String> DEFAULT_FREE_MAIL_DOMAINS = Set.of(
      "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "yahoo.fr", "yahoo.de", "ymail.com",
      "hotmail.com", "hotmail.co.uk", "hotmail.fr", "hotmail.de", "outlook.com", "live.com", "msn.com",
      "icloud.com", "me.com", "mac.com", "aol.com", "gmx.de", "gmx.net", "gmx.com", "web.de", "t-online.de",
      "mail.com", "proton.me", "protonmail.com", "yandex.ru", "yandex.com", "mail.ru", "qq.com", "163.com",
      "126.com", "zoho.com", "fastmail.com", "orange.fr", "free.fr", "libero.it", "btinternet.com");

  private MatchKeys() {}

  /**
   * E-mail key: trimmed, lower-cased, the plus-address tag removed ({@code Jane+crm@Acme.com} and
   * {@code jane@acme.com} are one key). A value without exactly one {@code @} and a dot in its domain is null.
   */
  public static Column email(Column raw) {
    Column cleaned = lower(trim(raw));
    Column untagged = regexp_replace(cleaned, "\\+[^@]*@", "@");
    return when(cleaned.rlike("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$"), untagged);
  }

  /** Domain of an e-mail key, or null for a free-mail domain (in {@code freeMailDomains}) or a non-address. */
  public static Column emailDomain(Column raw, Set<String> freeMailDomains) {
    Column domain = substring_index(email(raw), "@", -1);
    List<String> free = freeMailDomains.stream().map(d -> d.toLowerCase(Locale.ROOT)).sorted().toList();
    return when(domain.isNotNull().and(domain.isin(free.toArray()).unary_$bang()), domain);
  }

  /**
   * Phone key in E.164 ({@code +441632960961}), parsed with Google's libphonenumber; a number written without a
   * country code is read in {@code defaultRegion} (ISO 3166 code such as {@code GB}). Not a valid number: null.
   */
  public static Column phone(Column raw, String defaultRegion) {
    return e164(defaultRegion).apply(raw);
  }

  /**
   * Name and postcode key: the name lower-cased with punctuation and repeated spaces folded, then the postcode
   * upper-cased without spaces ({@code "ACME  Ltd."} + {@code "sw1a 1aa"} gives {@code "acme ltd|SW1A1AA"}).
   * Null when either part is blank.
   */
  public static Column namePostcode(Column name, Column postcode) {
    Column n = trim(regexp_replace(lower(name), "[^\\p{L}\\p{N}]+", " "));
    Column p = regexp_replace(upper(postcode), "[^\\p{L}\\p{N}]", "");
    return when(n.notEqual(lit("")).and(p.notEqual(lit(""))), concat_ws("|", n, p));
  }

  /** A source's own id, trimmed; blank is null. */
  public static Column id(Column raw) {
    Column t = trim(raw.cast(DataTypes.StringType));
    return when(t.notEqual(lit("")), t);
  }

  private static UserDefinedFunction e164(String defaultRegion) {
    String region = defaultRegion.toUpperCase(Locale.ROOT);
    UDF1<String, String> parse = value -> toE164(value, region);
    return udf(parse, DataTypes.StringType).withName("cpm_phone_e164");
  }

  /** The E.164 form of {@code value} read in {@code region}, or null when it is not a valid phone number. */
  public static String toE164(String value, String region) {
    if (value == null || value.isBlank()) {
      return null;
    }
    PhoneNumberUtil util = PhoneNumberUtil.getInstance();
    try {
      Phonenumber.PhoneNumber number = util.parse(value, region);
      return util.isValidNumber(number) ? util.format(number, PhoneNumberUtil.PhoneNumberFormat.E164) : null;
    } catch (NumberParseException e) {
      return null;
    }
  }

  /** Whether a region code is one libphonenumber knows (for validating configuration early). */
  public static boolean knownRegion(String region) {
    return PhoneNumberUtil.getInstance().getSupportedRegions().contains(region.toUpperCase(Locale.ROOT));
  }
}
