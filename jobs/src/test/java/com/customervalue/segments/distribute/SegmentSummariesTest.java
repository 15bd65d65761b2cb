package com.customervalue.segments.distribute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.customervalue.segments.SparkTestSession;
import com.customervalue.segments.metrics.CustomerMetrics;
import com.customervalue.segments.score.QuantileMode;
import com.customervalue.segments.tier.ValueTiers;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class SegmentSummariesTest extends SparkTestSession {
  private static final StructType SEGMENTS =
      new StructType()
          .add(CustomerMetrics.CUSTOMER_ID, DataTypes.StringType)
          .add(CustomerMetrics.RECENCY_DAYS, DataTypes.IntegerType)
          .add(CustomerMetrics.FREQUENCY, DataTypes.IntegerType)
          .add(CustomerMetrics.MONETARY, CustomerMetrics.MONEY_TYPE)
          .add(CustomerMetrics.AVG_ORDER_VALUE, CustomerMetrics.MONEY_TYPE)
          .add(ValueTiers.VALUE_TIER, DataTypes.StringType)
          .add(ValueTiers.VALUE_TIER_NAME, DataTypes.StringType)
          .add(ValueTiers.TIER_RANK, DataTypes.IntegerType)
          .add("p_alive", DataTypes.DoubleType)
          .add("clv", CustomerMetrics.MONEY_TYPE);

  private static final StructType CENTROIDS =
      new StructType()
          .add(ValueTiers.VALUE_TIER, DataTypes.StringType)
          .add("centroid_recency_days", DataTypes.DoubleType)
          .add("centroid_frequency", DataTypes.DoubleType)
          .add("centroid_monetary", DataTypes.DoubleType);

  /** A buyer has P(alive) 1 - frequency / 10 and a CLV of 10 per purchase; others have none. */
  private static Row customer(String id, Integer recency, int frequency, String tier, int rank) {
    boolean bought = frequency > 0;
    return RowFactory.create(
        id,
        recency,
        frequency,
        new BigDecimal(10 * frequency).setScale(4),
        bought ? new BigDecimal(10).setScale(4) : null,
        tier,
        tier,
        rank,
        bought ? 1 - frequency / 10.0 : null,
        bought ? new BigDecimal(10 * frequency).setScale(4) : null);
  }

  /** Four gold buyers with frequencies 1, 2, 3 and 7 (monetary 10 per purchase). */
  private static final List<Row> GOLD_BUYERS =
      List.of(
          customer("a", 5, 1, "gold", 1),
          customer("b", 5, 2, "gold", 1),
          customer("c", 5, 3, "gold", 1),
          customer("d", 5, 7, "gold", 1));

  private static Dataset<Row> goldCentroid() {
    return spark.createDataFrame(List.of(RowFactory.create("gold", 5.0, 3.0, 30.0)), CENTROIDS);
  }

  /**
   * gold: four buyers, three of them with two purchases or more; iron: non-buyers only, without
   * predictions.
   */
  @Test
  void repeatRateIsTheShareOfBuyersWithTwoPurchasesAndNullWithoutBuyers() {
    List<Row> customers = new ArrayList<>(GOLD_BUYERS);
    customers.add(customer("e", null, 0, "iron", 2));
    customers.add(customer("f", null, 0, "iron", 2));
    Dataset<Row> segments = spark.createDataFrame(customers, SEGMENTS);
    Dataset<Row> centroids = goldCentroid();

    List<Row> summary =
        SegmentSummaries.tierSummary(
                segments,
                centroids,
                ValueDistribution.of(segments, QuantileMode.EXACT, 0.001).percentiles())
            .select(
                "value_tier",
                "buyers",
                "repeat_rate",
                "median_frequency",
                "mean_p_alive",
                "total_clv",
                "median_monetary")
            .collectAsList();

    assertEquals("gold", summary.get(0).getString(0));
    assertEquals(0.75, summary.get(0).getDouble(2), 1e-12);
    assertEquals(2.5, summary.get(0).getDouble(3), 1e-12, "frequencies 1, 2, 3, 7");
    assertEquals(25.0, summary.get(0).getDouble(6), 1e-12, "monetary 10, 20, 30, 70");
    assertEquals("iron", summary.get(1).getString(0));
    assertEquals(0L, summary.get(1).getLong(1));
    assertTrue(summary.get(1).isNullAt(2), "no buyers, no repeat rate");
    assertTrue(summary.get(1).isNullAt(3), "like the medians");
    // Frequencies 1, 2, 3 and 7: P(alive) 0.9, 0.8, 0.7, 0.3; CLV 10 + 20 + 30 + 70.
    assertEquals(0.675, summary.get(0).getDouble(4), 1e-12);
    assertEquals(new BigDecimal("130.0000"), summary.get(0).getDecimal(5));
    assertTrue(summary.get(1).isNullAt(4), "no predictions, no mean P(alive)");
    assertEquals(new BigDecimal("0.0000"), summary.get(1).getDecimal(5));
  }

  @Test
  void approximateMediansAreDataValues() {
    Dataset<Row> segments = spark.createDataFrame(GOLD_BUYERS, SEGMENTS);
    Dataset<Row> centroids = goldCentroid();

    Row gold =
        SegmentSummaries.tierSummary(
                segments,
                centroids,
                ValueDistribution.of(segments, QuantileMode.APPROXIMATE, 0.001).percentiles())
            .select("median_frequency", "median_monetary")
            .first();

    // percentile_approx returns the smallest value whose rank reaches half the count, where type 7
    // interpolates 2.5 and 25.
    assertEquals(2.0, gold.getDouble(0), 1e-12);
    assertEquals(20.0, gold.getDouble(1), 1e-12);
  }
}
