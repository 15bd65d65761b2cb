package com.customervalue.segments.tier;

import static com.customervalue.segments.metrics.CustomerMetrics.CUSTOMER_ID;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.xxhash64;

import com.customervalue.segments.ingest.InvalidInputException;
import com.customervalue.segments.pipeline.CheckResult;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a run's tier model comes from: the saved model of {@code segments.tiers.model-path} when
 * one is given; else the latest earlier snapshot's model while it is young enough; else k-means
 * trained on the buyers (on a seeded sample above the training cap). Either way judged by its
 * silhouette on a seeded sample.
 */
public final class TierTraining {
  /** Buyers the silhouette of the tier model is estimated on, at most. */
  static final long SILHOUETTE_SAMPLE = 100_000;

  /**
   * k-means draws its initial centers from the partitions of its input, so the training buyers are
   * laid out the same way whatever partitioning the stages before chose: hashed by customer into
   * this many partitions, sorted within each. The same buyers and seed then give the same tiers.
   */
  static final int TRAINING_PARTITIONS = 8;

  private static final long SAMPLE_RESOLUTION = 1_000_000_000L;
  private static final Logger LOG = LoggerFactory.getLogger(TierTraining.class);

  private TierTraining() {}

  /**
   * The model for {@code features} (from {@link ValueTiers#buyerFeatures}) of {@code buyers} in the
   * snapshot {@code asOf}; {@code earlier} is the model saved with the latest earlier snapshot, if
   * any.
   */
  public static Tiering tiers(
      Dataset<Row> features,
      long buyers,
      TierSettings tiers,
      LocalDate asOf,
      Optional<SavedTierModel> earlier) {
    TierModel model;
    Optional<String> loadedFrom;
    Optional<TierModel> replaced = Optional.empty();
    boolean trainedOnEveryBuyer = false;
    Optional<TierModel> previous =
        tiers.modelPath().isPresent()
            ? Optional.empty()
            : earlier.flatMap(m -> loadEarlier(m, tiers));
    if (tiers.modelPath().isPresent()) {
      model = load(tiers.modelPath().get(), tiers);
      loadedFrom = tiers.modelPath();
    } else if (previous.isPresent() && reusable(previous.get(), earlier.get(), tiers, asOf)) {
      model = previous.get();
      loadedFrom = earlier.map(SavedTierModel::path);
    } else {
      checkDistinctProfiles(features, buyers, tiers.k()).orStop();
      model = train(features, buyers, tiers, asOf);
      trainedOnEveryBuyer = buyers <= tiers.trainingCap();
      loadedFrom = Optional.empty();
      replaced = previous;
    }
    Dataset<Row> evaluated =
        buyers > SILHOUETTE_SAMPLE
            ? features.filter(seededShare((double) SILHOUETTE_SAMPLE / buyers, tiers.seed()))
            : features;
    double silhouette = TierQuality.silhouette(evaluated, model);
    LOG.info(
        "Tier model {}: k = {}, within-cluster cost {}, silhouette {}",
        loadedFrom.map(path -> "reused from " + path).orElse("trained"),
        tiers.k(),
        model.trainingCost(),
        silhouette);
    TierOutcome outcome =
        new TierOutcome(
            tiers.k(),
            silhouette,
            Double.isNaN(model.trainingCost())
                ? Optional.empty()
                : Optional.of(model.trainingCost()),
            model.trainingRows(),
            loadedFrom,
            model.trainedAsOf(),
            tiers.rankWeights());
    // k-means' training summary has already counted the buyers per cluster when it saw them all.
    Map<Integer, Long> sizes =
        trainedOnEveryBuyer
            ? TierQuality.trainingClusterSizes(model)
                .orElseGet(() -> TierQuality.clusterSizes(features, model))
            : TierQuality.clusterSizes(features, model);
    return new Tiering(model, outcome, sizes, replaced);
  }

  /**
   * An earlier snapshot's model assigns this snapshot's tiers unless retraining is forced or the
   * model was trained more than {@code model-max-age-days} before the as-of date.
   */
  private static boolean reusable(
      TierModel previous, SavedTierModel saved, TierSettings tiers, LocalDate asOf) {
    if (tiers.retrain()) {
      LOG.info("Training a new tier model: segments.tiers.retrain (--retrain-tiers) is set");
      return false;
    }
    LocalDate trainedAsOf = previous.trainedAsOf().orElse(saved.snapshot());
    long age = ChronoUnit.DAYS.between(trainedAsOf, asOf);
    if (age > tiers.modelMaxAgeDays()) {
      LOG.info(
          "Training a new tier model: the model of {} was trained as of {}, {} days before {},"
              + " more than segments.tiers.model-max-age-days = {}",
          saved.snapshot(),
          trainedAsOf,
          age,
          asOf,
          tiers.modelMaxAgeDays());
      return false;
    }
    return true;
  }

  /** k-means needs at least k distinct (recency, frequency, monetary) profiles. */
  public static CheckResult checkDistinctProfiles(Dataset<Row> features, long buyers, int k) {
    long profiles = TierQuality.distinctProfiles(features, k);
    if (profiles >= k) {
      return CheckResult.passed();
    }
    return CheckResult.failed(
        String.format(
            "The %,d buyers have only %d distinct (recency, frequency, monetary) profiles, too few"
                + " for segments.tiers.k = %d clusters. Lower k, widen the window or add data.",
            buyers, profiles, k));
  }

  private static TierModel train(
      Dataset<Row> features, long buyers, TierSettings tiers, LocalDate asOf) {
    boolean sampled = buyers > tiers.trainingCap();
    List<Column> columns = new ArrayList<>(List.of(col(CUSTOMER_ID)));
    ValueTiers.FEATURE_COLUMNS.forEach(feature -> columns.add(col(feature)));
    // Cached: the scaler's fit, k-means' own first look at its input and the copy it caches would
    // each shuffle and sort the buyers again (at 10 M lines three passes of 1-2 s each).
    Dataset<Row> training =
        (sampled
                ? features.filter(seededShare((double) tiers.trainingCap() / buyers, tiers.seed()))
                : features)
            .select(columns.toArray(Column[]::new))
            .repartition(TRAINING_PARTITIONS, col(CUSTOMER_ID))
            .sortWithinPartitions(col(CUSTOMER_ID))
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long trainingRows = sampled ? training.count() : buyers;
      LOG.info(
          "Training k-means on {} of {} buyers{}",
          trainingRows,
          buyers,
          sampled ? " (seeded sample)" : "");
      return ValueTiers.fit(training, trainingRows, tiers, asOf);
    } finally {
      training.unpersist();
    }
  }

  /**
   * About {@code share} of the customers, chosen by a seeded hash of their id: unlike {@code
   * Dataset.sample}, the same customers whatever the partitioning.
   */
  private static Column seededShare(double share, long seed) {
    return pmod(xxhash64(col(CUSTOMER_ID), lit(seed)), lit(SAMPLE_RESOLUTION))
        .lt(lit((long) Math.ceil(Math.min(1.0, share) * SAMPLE_RESOLUTION)));
  }

  /**
   * The earlier snapshot's model, or none if it no longer fits the settings (another k or other
   * labels), which a run answers by training.
   */
  private static Optional<TierModel> loadEarlier(SavedTierModel saved, TierSettings tiers) {
    try {
      return Optional.of(load(saved.path(), tiers));
    } catch (InvalidInputException e) {
      LOG.warn("Not reusing the tier model of {}: {}", saved.snapshot(), e.getMessage());
      return Optional.empty();
    }
  }

  private static TierModel load(String path, TierSettings tiers) {
    PipelineModel pipeline;
    try {
      pipeline = PipelineModel.load(path);
    } catch (Exception e) { // Spark throws Hadoop's IOException and others undeclared
      throw new InvalidInputException(
          "Cannot load the tier model at "
              + path
              + (tiers.modelPath().isPresent()
                  ? " (segments.tiers.model-path, --tier-model): "
                  : " (the latest earlier snapshot's; --retrain-tiers trains a new one): ")
              + e.getMessage(),
          e);
    }
    try {
      return ValueTiers.load(pipeline, tiers, TierModel.trainedAsOf(path));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(
          "The tier model at " + path + " cannot be used: " + e.getMessage() + ".", e);
    }
  }
}
