package io.cpm.segmentation;

import java.util.List;
import java.util.Objects;

/**
 * Settings of {@link Rfm}: which columns hold recency (days since last order), frequency and monetary value,
 * the activity window that defines the scoring population, and the segment grid (first matching rule wins;
 * the rules must cover all 25 (R, FM) cells).
 */
public record RfmParameters(String recencyColumn, String frequencyColumn, String monetaryColumn,
    int activeWindowDays, List<RfmSegmentRule> segments) {
  public RfmParameters {
    Objects.requireNonNull(recencyColumn, "recencyColumn");
    Objects.requireNonNull(frequencyColumn, "frequencyColumn");
    Objects.requireNonNull(monetaryColumn, "monetaryColumn");
    segments = List.copyOf(segments);
    if (activeWindowDays < 1) {
      throw new IllegalArgumentException("Invalid active window: " + activeWindowDays + " days (must be >= 1)");
    }
    for (int r = 1; r <= 5; r++) {
      for (int fm = 1; fm <= 5; fm++) {
        final int recency = r;
        final int frequencyMonetary = fm;
        if (segments.stream().noneMatch(rule -> rule.covers(recency, frequencyMonetary))) {
          throw new IllegalArgumentException("RFM segment rules leave cell R=" + r + ", FM=" + fm
              + " without a segment (every cell of the 5x5 grid needs one)");
        }
      }
    }
  }

  /** The standard R × FM grid (after the widely used RFM segment map), with 'lost' split from hibernating. */
  public static List<RfmSegmentRule> standardSegments() {
    return List.of(
        new RfmSegmentRule("champions", 5, 5, 4, 5),
        new RfmSegmentRule("champions", 4, 4, 5, 5),
        new RfmSegmentRule("loyal", 3, 4, 4, 5),
        new RfmSegmentRule("potential_loyalist", 4, 5, 2, 3),
        new RfmSegmentRule("new", 5, 5, 1, 1),
        new RfmSegmentRule("promising", 4, 4, 1, 1),
        new RfmSegmentRule("need_attention", 3, 3, 3, 3),
        new RfmSegmentRule("about_to_sleep", 3, 3, 1, 2),
        new RfmSegmentRule("cant_lose", 1, 2, 5, 5),
        new RfmSegmentRule("at_risk", 1, 2, 3, 4),
        new RfmSegmentRule("hibernating", 2, 2, 1, 2),
        new RfmSegmentRule("lost", 1, 1, 1, 2));
  }
}
