package com.customervalue.segments.tier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.customervalue.segments.SparkTestSession;
import com.customervalue.segments.metrics.CustomerMetrics;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    int[][] groups = {{3, 30, 20_000}, {30, 8, 3_000}, {120, 3, 500}, {400, 1, 50}};
    List<Row> rows = new ArrayList<>(buyerGroups(groups, LABELS));
    rows.add(RowFactory.create("returns-only", null, 0, new BigDecimal("-12.0000")));
    metrics = spark.createDataFrame(rows, METRICS).cache();
  }

  /**
   * 30 buyers around each {recency days, frequency, monetary} of {@code groups}, the ids of each
   * group starting with its name.
   */
  private static List<Row> buyerGroups(int[][] groups, List<String> names) {
    List<Row> rows = new ArrayList<>();
    for (int g = 0; g < groups.length; g++) {
      for (int i = 0; i < 30; i++) {
        double jitter = 1 + (i % 5 - 2) * 0.05;
        rows.add(
            RowFactory.create(
                names.get(g) + "-" + i,
                (int) Math.max(1, groups[g][0] * jitter),
                (int) Math.max(1, Math.round(groups[g][1] * jitter)),
                BigDecimal.valueOf(groups[g][2] * jitter)
                    .setScale(4, java.math.RoundingMode.HALF_UP)));
      }
    }
    return rows;
  }

  private static final RankWeights MONEY_FIRST = new RankWeights(1.0, 0.5, 0.25);

  static TierSettings settings(List<String> labels, List<String> names, RankWeights weights) {
    return new TierSettings(
        labels.size(), labels, names, 42, 40, 1_000_000, weights, Optional.empty(), 365, false);
  }

  private static TierModel fit() {
    return fit(metrics, MONEY_FIRST);
  }

  private static TierModel fit(Dataset<Row> customers, RankWeights weights) {
    Dataset<Row> features = ValueTiers.buyerFeatures(customers);
    return ValueTiers.fit(
        features, features.count(), settings(LABELS, NAMES, weights), LocalDate.of(2024, 1, 1));
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

  /**
   * Where money and recency disagree (the big spenders bought long ago, the recent buyers spend
   * little), the weights decide: money first puts the big spenders in gold, recency alone the
   * recent buyers.
   */
  @Test
  void clustersAreRankedByTheConfiguredWeights() {
    int[][] groups = {{400, 30, 20_000}, {120, 8, 3_000}, {30, 3, 500}, {3, 1, 50}};
    List<Row> rows = buyerGroups(groups, List.of("group0", "group1", "group2", "group3"));
    Dataset<Row> disagreeing = spark.createDataFrame(rows, METRICS);

    List<TierCentroid> moneyFirst = fit(disagreeing, MONEY_FIRST).centroids();
    List<TierCentroid> recencyOnly = fit(disagreeing, new RankWeights(0, 0, 1)).centroids();

    for (int i = 1; i < 4; i++) {
      assertTrue(
          moneyFirst.get(i - 1).monetary() > moneyFirst.get(i).monetary(), moneyFirst.toString());
      assertTrue(
          recencyOnly.get(i - 1).recencyDays() < recencyOnly.get(i).recencyDays(),
          recencyOnly.toString());
    }
    assertTrue(moneyFirst.get(0).monetary() > 15_000, "gold: the big spenders " + moneyFirst);
    assertTrue(recencyOnly.get(0).recencyDays() < 5, "gold: the recent buyers " + recencyOnly);
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
    TierModel loaded =
        ValueTiers.load(
            PipelineModel.load(path), settings(LABELS, NAMES, MONEY_FIRST), Optional.empty());

    assertEquals(tiers(fitted), tiers(loaded));
    assertEquals(fitted.centroids(), loaded.centroids());
  }

  @Test
  void aModelWithOtherThanOneClusterPerLabelIsRefused() {
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ValueTiers.load(
                    fit().pipeline(),
                    settings(List.of("a", "b", "c"), List.of("A", "B", "C"), MONEY_FIRST),
                    Optional.empty()));
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
