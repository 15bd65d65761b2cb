package com.customervalue.segments.tier;

/**
 * How much each standardized centroid coordinate counts when clusters are ranked into tiers ({@code
 * segments.tiers.rank-weights}): a cluster's value score is {@code monetary × z(log monetary) +
 * frequency × z(log frequency) − recency × z(log recency days)}.
 */
public record RankWeights(double monetary, double frequency, double recency) {
  public RankWeights {
    if (!(monetary >= 0 && frequency >= 0 && recency >= 0) || monetary + frequency + recency <= 0) {
      throw new IllegalArgumentException(
          "rank weights must be at least 0 and not all 0, got monetary "
              + monetary
              + ", frequency "
              + frequency
              + ", recency "
              + recency);
    }
  }

  /** The value score of a centroid in the scaler's standardized (recency, frequency, money). */
  double score(double scaledRecency, double scaledFrequency, double scaledMonetary) {
    return monetary * scaledMonetary + frequency * scaledFrequency - recency * scaledRecency;
  }
}
