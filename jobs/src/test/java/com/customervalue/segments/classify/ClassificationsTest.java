package com.customervalue.segments.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.customervalue.segments.SparkTestSession;
import com.customervalue.segments.metrics.CustomerMetrics;
import com.customervalue.segments.tier.ValueTiers;
import java.math.BigDecimal;
import java.sql.Date;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class ClassificationsTest extends SparkTestSession {
  private static final StructType CUSTOMERS =
      new StructType()
          .add(CustomerMetrics.CUSTOMER_ID, DataTypes.StringType)
          .add(CustomerMetrics.FIRST_PURCHASE_DATE, DataTypes.DateType)
          .add(CustomerMetrics.RECENCY_DAYS, DataTypes.IntegerType)
          .add(CustomerMetrics.FREQUENCY, DataTypes.IntegerType)
          .add(CustomerMetrics.MONETARY, CustomerMetrics.MONEY_TYPE)
          .add(CustomerMetrics.TENURE_DAYS, DataTypes.IntegerType)
          .add(ValueTiers.VALUE_TIER, DataTypes.StringType);

  private static final Date SOME_DAY = Date.valueOf("2020-01-01");

  private static Row customer(
      String id, Integer recency, int frequency, String monetary, Integer tenure) {
    return RowFactory.create(
        id,
        recency == null ? null : SOME_DAY,
        recency,
        frequency,
        new BigDecimal(monetary).setScale(4),
        tenure,
        "iron");
  }

  private static Map<String, Object> column(Dataset<Row> classified, String column) {
    return classified.collectAsList().stream()
        .collect(
            Collectors.toMap(
                row -> row.getString(0), row -> String.valueOf((Object) row.getAs(column))));
  }

  private static Dataset<Row> customers(Row... rows) {
    return spark.createDataFrame(Arrays.asList(rows), CUSTOMERS);
  }

  @Test
  void lifecycleBoundaries() {
    Dataset<Row> classified =
        Classifications.lifecycle(
            customers(
                customer("never-bought", null, 0, "-5", null),
                RowFactory.create(
                    "bought-before-the-window",
                    SOME_DAY,
                    400,
                    0,
                    BigDecimal.ZERO.setScale(4),
                    900,
                    "iron"),
                customer("churn-day", 365, 3, "10", 800),
                customer("past-churn", 366, 3, "10", 800),
                customer("at-risk-day", 180, 3, "10", 800),
                customer("past-at-risk", 181, 3, "10", 800),
                customer("new-day", 10, 1, "10", 90),
                customer("past-new", 10, 2, "10", 91),
                customer("new-but-quiet", 85, 1, "10", 85)),
            new LifecycleThresholds(90, 180, 365));

    assertEquals(
        Map.of(
            "never-bought", "prospect",
            "bought-before-the-window", "lapsed",
            "churn-day", "at_risk",
            "past-churn", "lapsed",
            "at-risk-day", "active",
            "past-at-risk", "at_risk",
            "new-day", "new",
            "past-new", "active",
            "new-but-quiet", "new"),
        column(classified, Classifications.LIFECYCLE_STATUS));
  }

  @Test
  void valueGradesFollowCumulativeRevenueShare() {
    // Revenue 50 + 30 + 10 + 6 + 4 = 100; share of those ranked above: 0, .5, .8, .9, .96.
    Dataset<Row> classified =
        Classifications.valueGrade(
            customers(
                customer("a", 1, 1, "50", 1),
                customer("b", 1, 1, "30", 1),
                customer("c", 1, 1, "10", 1),
                customer("d", 1, 1, "6", 1),
                customer("e", 1, 1, "4", 1),
                customer("zero", 1, 1, "0", 1),
                customer("negative", 1, 1, "-20", 1)),
            new ValueGradeShares(0.5, 0.8, 0.95));

    assertEquals(
        Map.of("a", "A", "b", "B", "c", "C", "d", "C", "e", "D", "zero", "D", "negative", "D"),
        column(classified, Classifications.VALUE_GRADE));
  }

  @Test
  void tiedRevenueIsRankedByIdSoGradesAreStable() {
    Dataset<Row> classified =
        Classifications.valueGrade(
            customers(
                customer("y", 1, 1, "25", 1), customer("x", 1, 1, "25", 1),
                customer("w", 1, 1, "25", 1), customer("v", 1, 1, "25", 1)),
            new ValueGradeShares(0.5, 0.8, 0.95));
    // Ranked v, w, x, y: shares before 0, .25, .5, .75.
    assertEquals(
        Map.of("v", "A", "w", "A", "x", "B", "y", "B"),
        column(classified, Classifications.VALUE_GRADE));
  }

  @Test
  void amountLevelBoundaries() {
    List<BigDecimal> bounds =
        List.of(
            new BigDecimal(10_000),
            new BigDecimal(50_000),
            new BigDecimal(500_000),
            new BigDecimal(3_000_000),
            new BigDecimal(5_000_000));
    Dataset<Row> classified =
        Classifications.amountLevel(
            customers(
                customer("negative", 1, 1, "-1", 1),
                customer("below", 1, 1, "9999.9999", 1),
                customer("at-10k", 1, 1, "10000", 1),
                customer("below-50k", 1, 1, "49999.99", 1),
                customer("at-50k", 1, 1, "50000", 1),
                customer("at-500k", 1, 1, "500000", 1),
                customer("at-3m", 1, 1, "3000000", 1),
                customer("below-5m", 1, 1, "4999999.9999", 1),
                customer("at-5m", 1, 1, "5000000", 1),
                customer("beyond-10m", 1, 1, "25000000", 1)),
            bounds);

    assertEquals(
        Map.of(
            "negative",
            "0",
            "below",
            "0",
            "at-10k",
            "1",
            "below-50k",
            "1",
            "at-50k",
            "2",
            "at-500k",
            "3",
            "at-3m",
            "4",
            "below-5m",
            "4",
            "at-5m",
            "5",
            "beyond-10m",
            "5"),
        column(classified, Classifications.AMOUNT_LEVEL));
  }

  @Test
  void theFirstMatchingPlaybookRuleGivesTheAction() {
    List<PlaybookRule> playbook =
        List.of(
            new PlaybookRule(Set.of("gold", "silver"), Set.of("at_risk"), "retention call"),
            new PlaybookRule(Set.of("gold"), Set.of(), "dedicated service"),
            new PlaybookRule(Set.of(), Set.of("prospect"), "welcome offer"),
            new PlaybookRule(Set.of(), Set.of(), "regular contact"));
    StructType schema =
        new StructType()
            .add("customer_id", DataTypes.StringType)
            .add(ValueTiers.VALUE_TIER, DataTypes.StringType)
            .add(Classifications.LIFECYCLE_STATUS, DataTypes.StringType);
    Dataset<Row> customers =
        spark.createDataFrame(
            List.of(
                RowFactory.create("gold-at-risk", "gold", "at_risk"),
                RowFactory.create("silver-at-risk", "silver", "at_risk"),
                RowFactory.create("gold-active", "gold", "active"),
                RowFactory.create("iron-prospect", "iron", "prospect"),
                RowFactory.create("copper-at-risk", "copper", "at_risk")),
            schema);

    assertEquals(
        Map.of(
            "gold-at-risk",
            "retention call",
            "silver-at-risk",
            "retention call",
            "gold-active",
            "dedicated service",
            "iron-prospect",
            "welcome offer",
            "copper-at-risk",
            "regular contact"),
        column(
            Classifications.recommendedAction(customers, playbook),
            Classifications.RECOMMENDED_ACTION));
  }
}
