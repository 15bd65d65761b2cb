package com.customervalue.segments.tier;

import static com.customervalue.segments.metrics.CustomerMetrics.FREQUENCY;
import static com.customervalue.segments.metrics.CustomerMetrics.MONETARY;
import static com.customervalue.segments.metrics.CustomerMetrics.RECENCY_DAYS;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.get;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log1p;
import static org.apache.spark.sql.functions.not;

import com.customervalue.segments.metrics.CustomerMetrics;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.clustering.KMeans;
import org.apache.spark.ml.clustering.KMeansModel;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Value tiers by k-means, as docs/DEFINITIONS.md defines them: an MLlib pipeline (assembler,
 * standard scaler, k-means) over log1p(recency_days), log1p(frequency) and log1p(monetary) of the
 * buyers; clusters ranked by the weighted value score of their centroid ({@link RankWeights}) and
 * named best first. Non-buyers get the last tier.
 */
public final class ValueTiers {
  public static final String VALUE_TIER = "value_tier";
  public static final String VALUE_TIER_NAME = "value_tier_name";
  public static final String TIER_RANK = "tier_rank";

  static final String LOG_RECENCY = "log_recency_days";
  static final String LOG_FREQUENCY = "log_frequency";
  static final String LOG_MONETARY = "log_monetary";
  static final String FEATURES = "tier_features";
  static final String SCALED_FEATURES = "tier_scaled_features";
  static final String CLUSTER = "tier_cluster";
  static final List<String> FEATURE_COLUMNS = List.of(LOG_RECENCY, LOG_FREQUENCY, LOG_MONETARY);

  private ValueTiers() {}

  /**
   * The buyers of {@code metrics} with the three log features. Monetary is net of returns and can
   * be zero or negative for a buyer; it counts as 0 there.
   */
  public static Dataset<Row> buyerFeatures(Dataset<Row> metrics) {
    return metrics
        .filter(CustomerMetrics.isBuyer())
        .withColumn(LOG_RECENCY, log1p(col(RECENCY_DAYS).cast(DataTypes.DoubleType)))
        .withColumn(LOG_FREQUENCY, log1p(col(FREQUENCY).cast(DataTypes.DoubleType)))
        .withColumn(
            LOG_MONETARY, log1p(greatest(col(MONETARY).cast(DataTypes.DoubleType), lit(0.0))));
  }

  /** The unfitted pipeline: assembler, standard scaler (mean and deviation), seeded k-means. */
  public static Pipeline pipeline(int k, long seed, int maxIterations) {
    VectorAssembler assembler =
        new VectorAssembler()
            .setInputCols(FEATURE_COLUMNS.toArray(String[]::new))
            .setOutputCol(FEATURES);
    StandardScaler scaler =
        new StandardScaler()
            .setInputCol(assembler.getOutputCol())
            .setOutputCol(SCALED_FEATURES)
            .setWithMean(true)
            .setWithStd(true);
    KMeans kmeans =
        new KMeans()
            .setK(k)
            .setSeed(seed)
            .setMaxIter(maxIterations)
            // "auto" runs a Spark job to choose between the solvers, and picks this one here
            .setSolver("row")
            .setFeaturesCol(scaler.getOutputCol())
            .setPredictionCol(CLUSTER);
    return new Pipeline().setStages(new PipelineStage[] {assembler, scaler, kmeans});
  }

  /**
   * MLlib adds the tasks' shares of the within-cluster cost in a DoubleAccumulator, in the order
   * the tasks finish, so the last digits of the same fit vary from run to run (2675.5972114671667
   * against …663 on Online Retail). Twelve significant digits publish the same cost for the same
   * inputs.
   */
  static double toTwelveDigits(double cost) {
    return new BigDecimal(cost).round(new MathContext(12)).doubleValue();
  }

  /**
   * Fits the pipeline on {@code training} (features from {@link #buyerFeatures}) for the snapshot
   * {@code asOf} and ranks its clusters.
   */
  public static TierModel fit(
      Dataset<Row> training, long trainingRows, TierSettings tiers, LocalDate asOf) {
    PipelineModel fitted = pipeline(tiers.k(), tiers.seed(), tiers.maxIterations()).fit(training);
    KMeansModel kmeans = TierRanking.kmeansOf(fitted);
    double cost =
        kmeans.hasSummary() ? toTwelveDigits(kmeans.summary().trainingCost()) : Double.NaN;
    return new TierModel(
        fitted,
        TierRanking.rank(fitted, tiers.labels(), tiers.displayNames(), tiers.rankWeights()),
        cost,
        trainingRows,
        Optional.of(asOf));
  }

  /**
   * Ranks the clusters of a loaded pipeline, trained for {@code trainedAsOf} if known; it must have
   * one cluster per label.
   */
  public static TierModel load(
      PipelineModel pipeline, TierSettings tiers, Optional<LocalDate> trainedAsOf) {
    return new TierModel(
        pipeline,
        TierRanking.rank(pipeline, tiers.labels(), tiers.displayNames(), tiers.rankWeights()),
        Double.NaN,
        0,
        trainedAsOf);
  }

  /**
   * Adds {@code value_tier}, {@code value_tier_name} and {@code tier_rank} to every customer of
   * {@code metrics}: buyers by their nearest centroid, everyone else the last tier.
   */
  public static Dataset<Row> assign(Dataset<Row> metrics, TierModel model) {
    List<String> columns = Arrays.asList(metrics.columns());
    Dataset<Row> buyers = model.pipeline().transform(buyerFeatures(metrics));
    // Looked up by cluster index: a chain of comparisons per column made the generated code of
    // customer_segments too large for the JIT to compile (see RfmSegments.assign).
    Column[] tiers = new Column[model.centroids().size()];
    Column[] names = new Column[tiers.length];
    Column[] ranks = new Column[tiers.length];
    for (TierCentroid centroid : model.centroids()) {
      tiers[centroid.cluster()] = lit(centroid.tier());
      names[centroid.cluster()] = lit(centroid.displayName());
      ranks[centroid.cluster()] = lit(centroid.rank());
    }
    Column cluster = col(CLUSTER);
    Column tier = get(array(tiers), cluster);
    Column name = get(array(names), cluster);
    Column rank = get(array(ranks), cluster);
    List<Column> output = new ArrayList<>(columns.stream().map(c -> col("`" + c + "`")).toList());
    Dataset<Row> rankedBuyers = buyers.select(withTier(output, tier, name, rank));

    TierCentroid last = model.centroids().get(model.centroids().size() - 1);
    Dataset<Row> others =
        metrics
            .filter(not(CustomerMetrics.isBuyer()).or(col(FREQUENCY).isNull()))
            .select(withTier(output, lit(last.tier()), lit(last.displayName()), lit(last.rank())));
    return rankedBuyers.unionByName(others);
  }

  private static Column[] withTier(List<Column> columns, Column tier, Column name, Column rank) {
    List<Column> all = new ArrayList<>(columns);
    all.add(tier.as(VALUE_TIER));
    all.add(name.as(VALUE_TIER_NAME));
    all.add(rank.cast(DataTypes.IntegerType).as(TIER_RANK));
    return all.toArray(Column[]::new);
  }
}
