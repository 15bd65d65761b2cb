package com.customervalue.segments.tier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.customervalue.segments.SparkTestSession;
import com.customervalue.segments.metrics.CustomerMetrics;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValueTiersTest extends SparkTestSession {
  private static final List<String> LABELS = List.of("gold", "silver", "copper", "iron");
  private static final List<String> NAMES = List.of("G", "S", "C", "I");
  private static final StructType METRICS =
      new StructType()
          .add(CustomerMetrics.CUSTOMER_ID, DataTypes.StringType)
          .add(CustomerMetrics.RECENCY_DAYS, DataTypes.IntegerType)
          .add(CustomerMetrics.FREQUENCY, DataTypes.IntegerType)
          .add(CustomerMetrics.MONETARY, CustomerMetrics.MONEY_TYPE);

  private static Dataset<Row> metrics;

  /** Four well separated groups of 30 buyers (named by the tier they must get) and a non-buyer. */
  @BeforeAll
  static void customers() {
    List<Row> rows = new ArrayList<>();
    int[][] groups = {{3, 30, 20_000}, {30, 8, 3_000}, {120, 3, 500}, {400, 1, 50}};
    for (int g = 0; g < groups.length; g++) {
      for (int i = 0; i < 30; i++) {
        double jitter = 1 + (i % 5 - 2) * 0.05;
        rows.add(
            RowFactory.create(
                LABELS.get(g) + "-" + i,
                (int) Math.max(1, groups[g][0] * jitter),
                (int) Math.max(1, Math.round(groups[g][1] * jitter)),
                BigDecimal.valueOf(groups[g][2] * jitter)
                    .setScale(4, java.math.RoundingMode.HALF_UP)));
      }
    }
    rows.add(RowFactory.create("returns-only", null, 0, new BigDecimal("-12.0000")));
    metrics = spark.createDataFrame(rows, METRICS).cache();
  }

  private static TierModel fit() {
    Dataset<Row> features = ValueTiers.buyerFeatures(metrics);
    return ValueTiers.fit(features, features.count(), 4, 42, 40, LABELS, NAMES);
  }

  private static Map<String, String> tiers(TierModel model) {
    return ValueTiers.assign(metrics, model).collectAsList().stream()
        .collect(
            Collectors.toMap(
                row -> row.getString(0),
                row ->
                    row.getAs(ValueTiers.VALUE_TIER)
                        + "/"
                        + row.getAs(ValueTiers.VALUE_TIER_NAME)
                        + "/"
                        + row.getAs(ValueTiers.TIER_RANK)));
  }

  @Test
  void clustersAreRankedByValueAndNamedBestFirst() {
    Map<String, String> tiers = tiers(fit());
    assertEquals(121, tiers.size());
    for (int rank = 1; rank <= 4; rank++) {
      String label = LABELS.get(rank - 1);
      String expected = label + "/" + NAMES.get(rank - 1) + "/" + rank;
      tiers.forEach(
          (customer, tier) -> {
            if (customer.startsWith(label + "-")) {
              assertEquals(expected, tier, customer);
            }
          });
    }
    assertEquals("iron/I/4", tiers.get("returns-only"));
  }

  @Test
  void centroidsAreReportedInOriginalUnits() {
    TierModel model = fit();
    TierCentroid gold = model.centroids().get(0);
    assertEquals("gold", gold.tier());
    assertEquals(1, gold.rank());
    assertTrue(
        gold.frequency() > 25 && gold.frequency() < 35,
        "gold buys about 30 times: " + gold.frequency());
    assertTrue(
        gold.monetary() > 15_000 && gold.monetary() < 25_000,
        "gold spends about 20,000: " + gold.monetary());
    assertTrue(gold.recencyDays() < 5, "gold bought a few days ago: " + gold.recencyDays());
    for (int i = 1; i < model.centroids().size(); i++) {
      assertTrue(model.centroids().get(i - 1).valueScore() > model.centroids().get(i).valueScore());
    }
    assertTrue(model.trainingCost() > 0);
    assertEquals(120, model.trainingRows());
    double silhouette = TierQuality.silhouette(ValueTiers.buyerFeatures(metrics), model);
    assertTrue(silhouette > 0.8, "well separated groups: silhouette " + silhouette);
  }

  @Test
  void costOnTheTrainingBuyersIsKMeansOwnTrainingCost() {
    TierModel model = fit();
    double cost = TierQuality.cost(ValueTiers.buyerFeatures(metrics), model);
    assertEquals(model.trainingCost(), cost, 1e-9 * model.trainingCost());
    assertTrue(cost > 0);
  }

  @Test
  void theSameDataAndSeedGiveTheSameTiers() {
    assertEquals(tiers(fit()), tiers(fit()));
  }

  @Test
  void aSavedModelAssignsTheSameTiers(@TempDir Path dir) throws Exception {
    TierModel fitted = fit();
    String path = dir.resolve("model").toString();
    fitted.pipeline().write().save(path);
    TierModel loaded = ValueTiers.load(PipelineModel.load(path), LABELS, NAMES);

    assertEquals(tiers(fitted), tiers(loaded));
    assertEquals(fitted.centroids(), loaded.centroids());
  }

  @Test
  void aModelWithOtherThanOneClusterPerLabelIsRefused() {
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ValueTiers.load(fit().pipeline(), List.of("a", "b", "c"), List.of("A", "B", "C")));
    assertEquals(
        "The tier model has 4 clusters but 3 tiers are configured (segments.tiers.labels)",
        error.getMessage());
  }

  @Test
  void distinctProfilesAreCountedUpToTheLimit() {
    Dataset<Row> features = ValueTiers.buyerFeatures(metrics);
    assertEquals(4, TierQuality.distinctProfiles(features, 4));
    assertEquals(1, TierQuality.distinctProfiles(features.limit(1), 4));
  }
}
