package com.customervalue.segments.score;

import static com.customervalue.segments.score.RfmScores.F_SCORE;
import static com.customervalue.segments.score.RfmScores.M_SCORE;
import static com.customervalue.segments.score.RfmScores.R_SCORE;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/** Names each scored buyer's RFM segment by the first matching rule of an ordered rule table. */
public final class RfmSegments {
  public static final String RFM_SEGMENT = "rfm_segment";

  /** The segment of buyers no rule matches. */
  public static final String OTHERS = "Others";

  private RfmSegments() {}

  /**
   * Adds {@code rfm_segment}: the first rule that matches, "Others" if none, null for non-buyers.
   */
  public static Dataset<Row> assign(Dataset<Row> scored, List<SegmentRule> rules) {
    Column segment = when(col(R_SCORE).isNull(), lit(null).cast(DataTypes.StringType));
    for (SegmentRule rule : rules) {
      segment =
          segment.when(
              within(R_SCORE, rule.recency())
                  .and(within(F_SCORE, rule.frequency()))
                  .and(within(M_SCORE, rule.monetary())),
              rule.name());
    }
    return scored.withColumn(RFM_SEGMENT, segment.otherwise(OTHERS));
  }

  private static Column within(String score, ScoreRange range) {
    return col(score).between(range.low(), range.high());
  }
}
