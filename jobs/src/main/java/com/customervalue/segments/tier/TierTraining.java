package com.customervalue.segments.tier;

import com.customervalue.segments.ingest.InvalidInputException;
import com.customervalue.segments.pipeline.CheckResult;
import java.util.Optional;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a run's tier model comes from: the saved model of {@code segments.tiers.model-path} when
 * one is given, else k-means trained on the buyers (on a seeded sample above the training cap);
 * either way judged by its silhouette on a seeded sample.
 */
public final class TierTraining {
  /** Buyers the silhouette of the tier model is estimated on, at most. */
  static final long SILHOUETTE_SAMPLE = 100_000;

  private static final Logger LOG = LoggerFactory.getLogger(TierTraining.class);

  private TierTraining() {}

  /** The model for {@code features} (from {@link ValueTiers#buyerFeatures}) of {@code buyers}. */
  public static Tiering tiers(Dataset<Row> features, long buyers, TierSettings tiers) {
    TierModel model;
    if (tiers.modelPath().isPresent()) {
      model = load(tiers);
    } else {
      checkDistinctProfiles(features, buyers, tiers.k()).orStop();
      model = train(features, buyers, tiers);
    }
    // Silhouette on a seeded sample: its estimate settles long before a million buyers.
    Dataset<Row> evaluated =
        buyers > SILHOUETTE_SAMPLE
            ? features.sample(false, (double) SILHOUETTE_SAMPLE / buyers, tiers.seed())
            : features;
    double silhouette = TierQuality.silhouette(evaluated, model);
    LOG.info(
        "Tier model: k = {}, within-cluster cost {}, silhouette {}",
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
            tiers.modelPath());
    return new Tiering(model, outcome, TierQuality.clusterSizes(features, model));
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

  private static TierModel train(Dataset<Row> features, long buyers, TierSettings tiers) {
    boolean sampled = buyers > tiers.trainingCap();
    Dataset<Row> training =
        sampled
            ? features.sample(
                false, Math.min(1.0, (double) tiers.trainingCap() / buyers), tiers.seed())
            : features;
    long trainingRows = sampled ? training.count() : buyers;
    LOG.info(
        "Training k-means on {} of {} buyers{}",
        trainingRows,
        buyers,
        sampled ? " (seeded sample)" : "");
    return ValueTiers.fit(
        training,
        trainingRows,
        tiers.k(),
        tiers.seed(),
        tiers.maxIterations(),
        tiers.labels(),
        tiers.displayNames());
  }

  private static TierModel load(TierSettings tiers) {
    String path = tiers.modelPath().orElseThrow();
    PipelineModel pipeline;
    try {
      pipeline = PipelineModel.load(path);
    } catch (Exception e) { // Spark throws Hadoop's IOException and others undeclared
      throw new InvalidInputException(
          "Cannot load the tier model at "
              + path
              + " (segments.tiers.model-path, --tier-model): "
              + e.getMessage(),
          e);
    }
    try {
      return ValueTiers.load(pipeline, tiers.labels(), tiers.displayNames());
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(
          "The tier model at " + path + " cannot be used: " + e.getMessage() + ".", e);
    }
  }
}
