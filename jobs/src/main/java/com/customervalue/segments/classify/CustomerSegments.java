package com.customervalue.segments.classify;

import static org.apache.spark.sql.functions.col;

import com.customervalue.segments.catalog.Catalog;
import com.customervalue.segments.clv.CustomerValue;
import com.customervalue.segments.score.RfmScores;
import com.customervalue.segments.score.RfmSegments;
import com.customervalue.segments.score.ScoreBreaks;
import com.customervalue.segments.score.SegmentRule;
import com.customervalue.segments.tier.TierModel;
import com.customervalue.segments.tier.ValueTiers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The {@code customer_segments} table: every customer's metrics with the scores and RFM segment,
 * the value tier and the CRM classifications, then the customer master's attributes, in the order
 * the catalog declares.
 */
public final class CustomerSegments {
  private CustomerSegments() {}

  /**
   * Predicts the value of, scores, segments, tiers and classifies every customer of {@code
   * metrics}, row by row, with value grades cut at {@code gradeCuts} (found on the same metrics);
   * any column of {@code metrics} the catalog does not declare (a customer master attribute)
   * follows, in order.
   */
  public static Dataset<Row> build(
      Dataset<Row> metrics,
      ScoreBreaks breaks,
      List<SegmentRule> segmentRules,
      TierModel tierModel,
      CustomerValue customerValue,
      ValueGradeCuts gradeCuts,
      ClassificationSettings classification) {
    Dataset<Row> scored =
        RfmSegments.assign(
            RfmScores.score(customerValue.predict(metrics), breaks), segmentRules, breaks.bins());
    Dataset<Row> tiered = ValueTiers.assign(scored, tierModel);
    Dataset<Row> lifecycle = Classifications.lifecycle(tiered, classification.lifecycle());
    Dataset<Row> graded = Classifications.valueGrade(lifecycle, gradeCuts);
    Dataset<Row> leveled = Classifications.amountLevel(graded, classification.amountLevels());
    Dataset<Row> classified = Classifications.recommendedAction(leveled, classification.playbook());
    List<String> order = new ArrayList<>(Catalog.CUSTOMER_SEGMENTS.columns());
    Arrays.stream(metrics.columns()).filter(c -> !order.contains(c)).forEach(order::add);
    return classified.select(order.stream().map(c -> col("`" + c + "`")).toArray(Column[]::new));
  }
}
