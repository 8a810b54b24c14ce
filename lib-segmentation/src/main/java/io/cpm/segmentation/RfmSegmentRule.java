package io.cpm.segmentation;

import java.util.Objects;

/**
 * One cell range of the RFM segment grid: a customer whose recency score lies in
 * [{@code recencyMin}, {@code recencyMax}] and whose combined frequency-monetary score
 * {@code FM = floor((F + M) / 2 + 0.5)} lies in [{@code frequencyMonetaryMin}, {@code frequencyMonetaryMax}]
 * gets {@code segment}.
 */
public record RfmSegmentRule(String segment, int recencyMin, int recencyMax, int frequencyMonetaryMin,
    int frequencyMonetaryMax) {
  public RfmSegmentRule {
    Objects.requireNonNull(segment, "segment");
    checkRange(segment, "recency", recencyMin, recencyMax);
    checkRange(segment, "frequency-monetary", frequencyMonetaryMin, frequencyMonetaryMax);
  }

  boolean covers(int recency, int frequencyMonetary) {
    return recency >= recencyMin && recency <= recencyMax
        && frequencyMonetary >= frequencyMonetaryMin && frequencyMonetary <= frequencyMonetaryMax;
  }

  private static void checkRange(String segment, String what, int min, int max) {
    if (min < 1 || max > 5 || min > max) {
      throw new IllegalArgumentException("Invalid " + what + " range [" + min + ", " + max + "] for RFM segment "
          + segment + " (must be within 1..5, min <= max)");
    }
  }
}
