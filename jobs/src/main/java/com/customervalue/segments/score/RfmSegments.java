package com.customervalue.segments.score;

import static com.customervalue.segments.score.RfmScores.F_SCORE;
import static com.customervalue.segments.score.RfmScores.M_SCORE;
import static com.customervalue.segments.score.RfmScores.R_SCORE;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.get;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Names each scored buyer's RFM segment by the first matching rule of an ordered rule table. */
public final class RfmSegments {
  public static final String RFM_SEGMENT = "rfm_segment";

  /** The segment of buyers no rule matches. */
  public static final String OTHERS = "Others";

  private RfmSegments() {}

  /**
   * Adds {@code rfm_segment}: the first rule that matches, "Others" if none, null for non-buyers.
   * Scores run 1..bins, so the rules are applied once per cell of the score cube, here, and each
   * row looks its cell up. Testing the rules row by row made the generated code of
   * customer_segments grow with every rule, past the size HotSpot compiles (8,000 bytes a method):
   * it ran interpreted.
   */
  public static Dataset<Row> assign(Dataset<Row> scored, List<SegmentRule> rules, int bins) {
    List<Column> names = new ArrayList<>();
    for (int r = 1; r <= bins; r++) {
      for (int f = 1; f <= bins; f++) {
        for (int m = 1; m <= bins; m++) {
          names.add(lit(segmentOf(rules, r, f, m)));
        }
      }
    }
    Column cell =
        col(R_SCORE)
            .minus(1)
            .multiply(bins)
            .plus(col(F_SCORE).minus(1))
            .multiply(bins)
            .plus(col(M_SCORE).minus(1));
    return scored.withColumn(RFM_SEGMENT, get(array(names.toArray(Column[]::new)), cell));
  }

  /** The name of the first rule taking the cell (r, f, m), "Others" if none does. */
  static String segmentOf(List<SegmentRule> rules, int r, int f, int m) {
    for (SegmentRule rule : rules) {
      if (within(r, rule.recency()) && within(f, rule.frequency()) && within(m, rule.monetary())) {
        return rule.name();
      }
    }
    return OTHERS;
  }

  private static boolean within(int score, ScoreRange range) {
    return range.low() <= score && score <= range.high();
  }
}
