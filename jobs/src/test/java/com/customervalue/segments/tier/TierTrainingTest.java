package com.customervalue.segments.tier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.customervalue.segments.SparkTestSession;
import com.customervalue.segments.ingest.InvalidInputException;
import com.customervalue.segments.metrics.CustomerMetrics;
import com.customervalue.segments.pipeline.StepFailedException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a run's tier model comes from: trained, trained on a sample, or reused; and refused. */
class TierTrainingTest extends SparkTestSession {
  private static final List<String> LABELS = List.of("gold", "silver", "copper", "iron");
  private static final StructType METRICS =
      new StructType()
          .add(CustomerMetrics.CUSTOMER_ID, DataTypes.StringType)
          .add(CustomerMetrics.RECENCY_DAYS, DataTypes.IntegerType)
          .add(CustomerMetrics.FREQUENCY, DataTypes.IntegerType)
          .add(CustomerMetrics.MONETARY, CustomerMetrics.MONEY_TYPE);

  private static Dataset<Row> features;
  private static long buyers;

  /** Four groups of 100 buyers, each spread over a range of values. */
  @BeforeAll
  static void buyers() {
    List<Row> rows = new ArrayList<>();
    int[][] groups = {{3, 30, 20_000}, {30, 8, 3_000}, {120, 3, 500}, {400, 1, 50}};
    for (int g = 0; g < groups.length; g++) {
      for (int i = 0; i < 100; i++) {
        double jitter = 1 + (i % 10 - 5) * 0.04;
        rows.add(
            RowFactory.create(
                "c" + g + "-" + i,
                (int) Math.max(1, groups[g][0] * jitter),
                (int) Math.max(1, Math.round(groups[g][1] * jitter)),
                BigDecimal.valueOf(groups[g][2] * jitter).setScale(4, RoundingMode.HALF_UP)));
      }
    }
    features = ValueTiers.buyerFeatures(spark.createDataFrame(rows, METRICS)).cache();
    buyers = features.count();
  }

  private static final LocalDate AS_OF = LocalDate.of(2024, 7, 1);

  private static TierSettings settings(long trainingCap, Optional<String> modelPath) {
    return settings(trainingCap, modelPath, 365, false);
  }

  private static TierSettings settings(
      long trainingCap, Optional<String> modelPath, int modelMaxAgeDays, boolean retrain) {
    return new TierSettings(
        4,
        LABELS,
        LABELS,
        42,
        40,
        trainingCap,
        new RankWeights(1.0, 0.5, 0.25),
        modelPath,
        modelMaxAgeDays,
        retrain);
  }

  private static Tiering tiers(TierSettings settings) {
    return TierTraining.tiers(features, buyers, settings, AS_OF, Optional.empty());
  }

  /** A model trained as of {@code trainedAsOf} and saved as a snapshot's under {@code root}. */
  private static SavedTierModel savedModel(Path root, LocalDate trainedAsOf, LocalDate snapshot) {
    TierModel model =
        TierTraining.tiers(
                features, buyers, settings(1_000, Optional.empty()), trainedAsOf, Optional.empty())
            .model();
    String path = root.resolve("tier_model/snapshot_date=" + snapshot).toString();
    model.save(path);
    return new SavedTierModel(snapshot, path);
  }

  private static Map<String, String> assignments(TierModel model) {
    return ValueTiers.assign(features, model).collectAsList().stream()
        .collect(
            Collectors.toMap(row -> row.getString(0), row -> row.getAs(ValueTiers.VALUE_TIER)));
  }

  @Test
  void belowTheCapKMeansTrainsOnEveryBuyerAndReportsItsQuality() {
    Tiering tiering = tiers(settings(1_000, Optional.empty()));

    assertEquals(400, tiering.outcome().trainingRows());
    assertEquals(4, tiering.outcome().k());
    assertTrue(tiering.outcome().trainingCost().isPresent());
    assertTrue(tiering.outcome().silhouette() > 0.5, "well separated groups");
    assertEquals(Optional.empty(), tiering.outcome().reusedModelPath());
    assertTrue(tiering.outcome().trained());
    assertEquals(Optional.of(AS_OF), tiering.outcome().modelSnapshot());
    assertEquals(Optional.empty(), tiering.replacedModel());
    assertEquals(400L, tiering.sizes().values().stream().mapToLong(Long::longValue).sum());
  }

  @Test
  void theTrainingSummarysClusterSizesAreTheBuyersCountedPerCluster() {
    Tiering tiering = tiers(settings(1_000, Optional.empty()));

    assertEquals(
        TierQuality.clusterSizes(features, tiering.model()),
        TierQuality.trainingClusterSizes(tiering.model()).orElseThrow());
    assertEquals(TierQuality.clusterSizes(features, tiering.model()), tiering.sizes());
  }

  @Test
  void aboveTheCapKMeansLearnsFromASeededSampleAndAssignsEveryone() {
    Tiering full = tiers(settings(1_000, Optional.empty()));
    Tiering sampled = tiers(settings(100, Optional.empty()));

    long trainingRows = sampled.outcome().trainingRows();
    assertTrue(trainingRows > 60 && trainingRows < 140, "about 100 of 400: " + trainingRows);
    assertEquals(400L, sampled.sizes().values().stream().mapToLong(Long::longValue).sum());
    Map<String, String> fromSample = assignments(sampled.model());
    Map<String, String> fromAll = assignments(full.model());
    long same =
        fromAll.keySet().stream().filter(c -> fromAll.get(c).equals(fromSample.get(c))).count();
    assertTrue(same > 0.9 * 400, "a quarter of the buyers finds nearly the same tiers: " + same);
  }

  @Test
  void aSavedModelIsReusedInsteadOfTrainingAndSaidSo(@TempDir Path dir) {
    Tiering trained = tiers(settings(1_000, Optional.empty()));
    String path = dir.resolve("model").toString();
    trained.model().save(path);

    Tiering reused = tiers(settings(1_000, Optional.of(path)));

    assertEquals(assignments(trained.model()), assignments(reused.model()));
    assertEquals(Optional.of(path), reused.outcome().reusedModelPath());
    assertEquals(0, reused.outcome().trainingRows());
    assertFalse(reused.outcome().trainingCost().isPresent());
    assertEquals(trained.sizes(), reused.sizes());
  }

  @Test
  void theSeededSampleIsTheSameCustomersWhateverThePartitioning() {
    Tiering fewPartitions =
        TierTraining.tiers(
            features.coalesce(1), buyers, settings(100, Optional.empty()), AS_OF, Optional.empty());
    Tiering manyPartitions =
        TierTraining.tiers(
            features.repartition(7),
            buyers,
            settings(100, Optional.empty()),
            AS_OF,
            Optional.empty());

    assertEquals(fewPartitions.outcome().trainingRows(), manyPartitions.outcome().trainingRows());
    assertEquals(assignments(fewPartitions.model()), assignments(manyPartitions.model()));
    assertEquals(fewPartitions.model().centroids(), manyPartitions.model().centroids());
  }

  @Test
  void theLatestEarlierModelAssignsTheTiersWhileItIsYoungEnough(@TempDir Path root) {
    SavedTierModel january = savedModel(root, LocalDate.of(2024, 1, 1), LocalDate.of(2024, 1, 1));

    Tiering reused =
        TierTraining.tiers(
            features, buyers, settings(1_000, Optional.empty()), AS_OF, Optional.of(january));

    assertFalse(reused.outcome().trained());
    assertEquals(Optional.of(january.path()), reused.outcome().reusedModelPath());
    assertEquals(Optional.of(LocalDate.of(2024, 1, 1)), reused.outcome().modelSnapshot());
    assertEquals(0, reused.outcome().trainingRows());
    assertEquals(Optional.empty(), reused.replacedModel(), "nothing replaced, no drift");
  }

  /**
   * A model reused by later snapshots is saved again with each; its age still counts from the
   * snapshot it was trained for, so a chain of reuses cannot keep a model forever.
   */
  @Test
  void aModelOlderThanTheMaximumAgeIsReplacedAndKeptForTheDrift(@TempDir Path root) {
    SavedTierModel copy = savedModel(root, LocalDate.of(2023, 6, 1), LocalDate.of(2024, 6, 1));

    Tiering retrained =
        TierTraining.tiers(
            features, buyers, settings(1_000, Optional.empty()), AS_OF, Optional.of(copy));

    assertTrue(retrained.outcome().trained(), "trained 396 days before, more than 365");
    assertEquals(Optional.of(AS_OF), retrained.outcome().modelSnapshot());
    assertEquals(
        Optional.of(LocalDate.of(2023, 6, 1)),
        retrained.replacedModel().flatMap(TierModel::trainedAsOf));
    Tiering young =
        TierTraining.tiers(
            features,
            buyers,
            settings(1_000, Optional.empty(), 400, false),
            AS_OF,
            Optional.of(copy));
    assertFalse(young.outcome().trained(), "396 days is within 400");
  }

  @Test
  void retrainingIsForcedOnRequestAndAGivenModelWinsOverTheEarlierOne(@TempDir Path root) {
    SavedTierModel january = savedModel(root, LocalDate.of(2024, 1, 1), LocalDate.of(2024, 1, 1));
    SavedTierModel other = savedModel(root, LocalDate.of(2024, 3, 1), LocalDate.of(2024, 3, 1));

    Tiering retrained =
        TierTraining.tiers(
            features,
            buyers,
            settings(1_000, Optional.empty(), 365, true),
            AS_OF,
            Optional.of(january));
    Tiering given =
        TierTraining.tiers(
            features,
            buyers,
            settings(1_000, Optional.of(other.path())),
            AS_OF,
            Optional.of(january));

    assertTrue(retrained.outcome().trained());
    assertTrue(retrained.replacedModel().isPresent());
    assertEquals(Optional.of(other.path()), given.outcome().reusedModelPath());
    assertEquals(Optional.of(LocalDate.of(2024, 3, 1)), given.outcome().modelSnapshot());
    assertEquals(Optional.empty(), given.replacedModel());
  }

  @Test
  void aModelPathWithoutAModelIsRefusedNamingIt(@TempDir Path dir) {
    String path = dir.resolve("nothing-here").toString();
    InvalidInputException failure =
        assertThrows(InvalidInputException.class, () -> tiers(settings(1_000, Optional.of(path))));
    assertTrue(
        failure
            .getMessage()
            .startsWith(
                "Cannot load the tier model at "
                    + path
                    + " (segments.tiers.model-path, --tier-model): "),
        failure.getMessage());
  }

  @Test
  void aBaseTooUniformForKClustersStopsTheRunWithTheFix() {
    List<Row> uniform = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      uniform.add(RowFactory.create("c" + i, 31, 1, new BigDecimal("25.0000")));
    }
    Dataset<Row> same = ValueTiers.buyerFeatures(spark.createDataFrame(uniform, METRICS));

    StepFailedException failure =
        assertThrows(
            StepFailedException.class,
            () ->
                TierTraining.tiers(
                    same, 10, settings(1_000, Optional.empty()), AS_OF, Optional.empty()));
    assertEquals(
        "The 10 buyers have only 1 distinct (recency, frequency, monetary) profiles, too few for "
            + "segments.tiers.k = 4 clusters. Lower k, widen the window or add data.",
        failure.getMessage());
    assertTrue(TierTraining.checkDistinctProfiles(features, buyers, 4).hasPassed());
  }
}
