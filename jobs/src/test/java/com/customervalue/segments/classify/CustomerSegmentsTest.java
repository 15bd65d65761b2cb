package com.customervalue.segments.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.customervalue.segments.SparkTestSession;
import com.customervalue.segments.catalog.Catalog;
import com.customervalue.segments.clv.ClvModel;
import com.customervalue.segments.clv.CustomerValue;
import com.customervalue.segments.clv.ModelFit;
import com.customervalue.segments.config.ConfigLayers;
import com.customervalue.segments.job.JobSettings;
import com.customervalue.segments.metrics.CustomerMaster;
import com.customervalue.segments.metrics.CustomerMetrics;
import com.customervalue.segments.score.RfmScores;
import com.customervalue.segments.score.ScoreBreaks;
import com.customervalue.segments.tier.TierTraining;
import com.customervalue.segments.tier.Tiering;
import com.customervalue.segments.tier.ValueTiers;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** The customer_segments table assembled from its stages, with customer master attributes. */
class CustomerSegmentsTest extends SparkTestSession {
  private static final LocalDate AS_OF = LocalDate.of(2024, 1, 1);

  /** The published CDNOW estimates (Fader, Hardie &amp; Lee 2005), weeks. */
  private static final ModelFit CDNOW_BG_NBD =
      new ModelFit(
          ClvModel.BG_NBD,
          new double[] {0.2426, 4.414, 0.7929, 2.426},
          new double[4],
          -9582.4,
          2357,
          0,
          0,
          true);

  private static final ModelFit CDNOW_GAMMA_GAMMA =
      new ModelFit(
          ClvModel.GAMMA_GAMMA,
          new double[] {6.25, 3.74, 15.44},
          new double[3],
          0,
          946,
          0,
          0,
          true);

  @Test
  void everyCustomerGetsTheDeclaredColumnsThenTheAttributes() {
    JobSettings settings =
        JobSettings.load(
            ConfigLayers.layered(Optional.empty(), Map.of("segments.input.path", "unused")));
    Dataset<Row> orders =
        spark.sql(
            "SELECT concat('c', id % 40) AS customer_id, date'2023-01-15' + CAST(id * 2 AS INT) AS"
                + " order_date, CAST((10 + id * 7) * 10000 AS BIGINT) AS order_units FROM"
                + " range(120)");
    Dataset<Row> master =
        spark.sql(
            "SELECT * FROM VALUES ('c1', 'North'), ('prospect-1', 'South') AS t(customer_id,"
                + " region)");
    Dataset<Row> metrics =
        CustomerMaster.attach(
                CustomerMetrics.perCustomer(CustomerMetrics.customerDays(orders), AS_OF, 0, 365),
                master)
            .cache();
    ScoreBreaks breaks =
        RfmScores.breaks(
            metrics,
            settings.scoring().bins(),
            settings.scoring().quantiles(),
            settings.scoring().relativeError());
    Tiering tiering =
        TierTraining.tiers(
            ValueTiers.buyerFeatures(metrics), 40, settings.tiers(), AS_OF, Optional.empty());

    Dataset<Row> segments =
        CustomerSegments.build(
            metrics,
            breaks,
            settings.scoring().segmentRules(),
            tiering.model(),
            new CustomerValue(CDNOW_BG_NBD, Optional.of(CDNOW_GAMMA_GAMMA), settings.clv()),
            ValueGradeCuts.find(metrics, settings.classification().valueGrades()),
            settings.classification());

    Catalog.CUSTOMER_SEGMENTS.requireSchema(segments.schema());
    List<String> expected = new ArrayList<>(Catalog.CUSTOMER_SEGMENTS.columns());
    expected.add("region");
    assertEquals(expected, List.of(segments.columns()));
    Map<String, Row> rows =
        segments.collectAsList().stream()
            .collect(Collectors.toMap(row -> row.getString(0), row -> row));
    assertEquals(41, rows.size());
    Row prospect = rows.get("prospect-1");
    assertEquals("prospect", prospect.getAs("lifecycle_status"));
    assertEquals("iron", prospect.getAs("value_tier"));
    assertEquals("D", prospect.getAs("value_grade"));
    assertNull(prospect.getAs("r_score"));
    assertNull(prospect.getAs("rfm_segment"));
    assertEquals("South", prospect.getAs("region"));
    assertEquals(0, (Integer) prospect.getAs("amount_level"));
    assertEquals(false, prospect.getAs("amount_above_cap"));
    assertEquals(
        "First-purchase incentive: a welcome offer on the first order",
        prospect.getAs("recommended_action"));
    assertNull(prospect.getAs("p_alive"));
    assertNull(prospect.getAs("clv"));
    Row c1 = rows.get("c1");
    assertEquals("North", c1.getAs("region"));
    // c1 bought on three days, the last 158 days before as-of: alive, but not surely.
    assertEquals(2, (Integer) c1.getAs("repeat_purchases"));
    double pAlive = c1.getAs("p_alive");
    assertTrue(pAlive > 0 && pAlive < 1, "p_alive " + pAlive);
    assertTrue(((Double) c1.getAs("expected_purchases")) > 0);
    assertEquals(40, rows.values().stream().filter(row -> row.getAs("rfm_cell") != null).count());
  }
}
