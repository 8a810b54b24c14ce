package io.cpm.jobs.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CellFormatTest {
  @Test
  void numbersArePlainWithADotAndNoExponent() {
    assertThat(CellFormat.plain(1.5e-5, 6)).isEqualTo("0.000015");
    assertThat(CellFormat.plain(1.0e-9, 6)).isEqualTo("0");
    assertThat(CellFormat.plain(12345678.9, 6)).isEqualTo("12345678.9");
    assertThat(CellFormat.plain(2.5e12, 6)).isEqualTo("2500000000000");
    assertThat(CellFormat.plain(-3.5, 6)).isEqualTo("-3.5");
    assertThat(CellFormat.plain(0.1234567, 6)).isEqualTo("0.123457");
    assertThat(CellFormat.plain(new BigDecimal("1200.50"), 6)).isEqualTo("1200.5");
    assertThat(CellFormat.plain(42L, 6)).isEqualTo("42");
    assertThat(CellFormat.plain(Double.NaN, 6)).isEmpty();
    assertThat(CellFormat.plain(null, 6)).isEmpty();
  }

  @Test
  void datesAndTimestampsAreIso() {
    assertThat(CellFormat.plain(Date.valueOf("2025-03-31"), 6)).isEqualTo("2025-03-31");
    assertThat(CellFormat.plain(Timestamp.from(Instant.parse("2025-03-31T08:15:00Z")), 6))
        .isEqualTo("2025-03-31T08:15:00Z");
    assertThat(CellFormat.plain(true, 6)).isEqualTo("true");
  }

  @Test
  void formulaLikeTextIsPrefixedWithAQuote() {
    for (String attack : new String[] {"=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "\nx"}) {
      assertThat(CellFormat.neutralize(attack)).isEqualTo("'" + attack);
    }
    assertThat(CellFormat.neutralize("plain text")).isEqualTo("plain text");
    assertThat(CellFormat.neutralize("a=b")).isEqualTo("a=b");
    assertThat(CellFormat.neutralize("")).isEmpty();
    assertThat(CellFormat.neutralize(null)).isNull();
  }

  @Test
  void formulasAfterLeadingSpacesOrInFullWidthFormsAreNeutralizedToo() {
    for (String attack : new String[] {" =1+1", "   @SUM(A1)", "\u3000-1", "\uFF1D1+1", "\uFF0B1", "\uFF0D1",
        "\uFF20SUM(A1)", " \uFF1DHYPERLINK(\"x\")"}) {
      assertThat(CellFormat.neutralize(attack)).as(attack).isEqualTo("'" + attack);
    }
    assertThat(CellFormat.neutralize("   ")).isEqualTo("   ");
    assertThat(CellFormat.neutralize(" a-b")).isEqualTo(" a-b");
  }
}
