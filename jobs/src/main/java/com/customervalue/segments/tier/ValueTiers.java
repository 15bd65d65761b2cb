package com.customervalue.segments.tier;

import static com.customervalue.segments.metrics.CustomerMetrics.FREQUENCY;
import static com.customervalue.segments.metrics.CustomerMetrics.MONETARY;
import static com.customervalue.segments.metrics.CustomerMetrics.RECENCY_DAYS;
import static org.apache.spark.ml.functions.vector_to_array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log1p;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import com.customervalue.segments.metrics.CustomerMetrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.clustering.KMeans;
import org.apache.spark.ml.clustering.KMeansModel;
import org.apache.spark.ml.evaluation.ClusteringEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StandardScalerModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Value tiers by k-means, as docs/DEFINITIONS.md defines them: an MLlib pipeline (assembler,
 * standard scaler, k-means) over log1p(recency_days), log1p(frequency) and log1p(monetary) of the
 * buyers; clusters ranked by the value score of their centroid (standardized monetary + frequency -
 * recency) and named best first. Non-buyers get the last tier.
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
  private static final List<String> FEATURE_COLUMNS =
      List.of(LOG_RECENCY, LOG_FREQUENCY, LOG_MONETARY);

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
            .setFeaturesCol(scaler.getOutputCol())
            .setPredictionCol(CLUSTER);
    return new Pipeline().setStages(new PipelineStage[] {assembler, scaler, kmeans});
  }

  /**
   * Fits the pipeline on {@code training} (features from {@link #buyerFeatures}) and ranks its
   * clusters.
   */
  public static TierModel fit(
      Dataset<Row> training,
      long trainingRows,
      int k,
      long seed,
      int maxIterations,
      List<String> labels,
      List<String> displayNames) {
    PipelineModel fitted = pipeline(k, seed, maxIterations).fit(training);
    KMeansModel kmeans = kmeansOf(fitted);
    double cost = kmeans.hasSummary() ? kmeans.summary().trainingCost() : Double.NaN;
    return new TierModel(fitted, rank(fitted, labels, displayNames), cost, trainingRows);
  }

  /** Ranks the clusters of a fitted or loaded pipeline; it must have one cluster per label. */
  public static TierModel load(
      PipelineModel pipeline, List<String> labels, List<String> displayNames) {
    return new TierModel(pipeline, rank(pipeline, labels, displayNames), Double.NaN, 0);
  }

  /**
   * Adds {@code value_tier}, {@code value_tier_name} and {@code tier_rank} to every customer of
   * {@code metrics}: buyers by their nearest centroid, everyone else the last tier.
   */
  public static Dataset<Row> assign(Dataset<Row> metrics, TierModel model) {
    List<String> columns = Arrays.asList(metrics.columns());
    Dataset<Row> buyers = model.pipeline().transform(buyerFeatures(metrics));
    Column cluster = col(CLUSTER);
    Column tier = lit(null).cast(DataTypes.StringType);
    Column name = lit(null).cast(DataTypes.StringType);
    Column rank = lit(null).cast(DataTypes.IntegerType);
    for (TierCentroid centroid : model.centroids()) {
      tier = when(cluster.equalTo(centroid.cluster()), centroid.tier()).otherwise(tier);
      name = when(cluster.equalTo(centroid.cluster()), centroid.displayName()).otherwise(name);
      rank = when(cluster.equalTo(centroid.cluster()), centroid.rank()).otherwise(rank);
    }
    List<Column> output = new ArrayList<>(columns.stream().map(c -> col("`" + c + "`")).toList());
    Dataset<Row> rankedBuyers = buyers.select(withTier(output, tier, name, rank));

    TierCentroid last = model.centroids().get(model.centroids().size() - 1);
    Dataset<Row> others =
        metrics
            .filter(not(CustomerMetrics.isBuyer()).or(col(FREQUENCY).isNull()))
            .select(withTier(output, lit(last.tier()), lit(last.displayName()), lit(last.rank())));
    return rankedBuyers.unionByName(others);
  }

  /**
   * Silhouette of the model's assignment of {@code features} (squared Euclidean, standardized
   * space).
   */
  public static double silhouette(Dataset<Row> features, TierModel model) {
    return new ClusteringEvaluator()
        .setFeaturesCol(SCALED_FEATURES)
        .setPredictionCol(CLUSTER)
        .evaluate(model.pipeline().transform(features));
  }

  /**
   * The within-cluster sum of squared distances of {@code features}' buyers to the centroids the
   * model assigns them to, in the standardized space: the cost k-means minimizes, here on any set
   * of buyers (e.g. all of them, for a model trained on a sample).
   */
  public static double cost(Dataset<Row> features, TierModel model) {
    StringBuilder centers = new StringBuilder("array(");
    Vector[] clusterCenters = kmeansOf(model.pipeline()).clusterCenters();
    for (int i = 0; i < clusterCenters.length; i++) {
      centers.append(i == 0 ? "" : ", ").append("array(");
      double[] center = clusterCenters[i].toArray();
      for (int d = 0; d < center.length; d++) {
        centers.append(d == 0 ? "" : ", ").append(center[d]).append("D");
      }
      centers.append(")");
    }
    centers.append(")");
    Row total =
        model
            .pipeline()
            .transform(features)
            .select(vector_to_array(col(SCALED_FEATURES), "float64").as("x"), col(CLUSTER))
            .select(
                expr("aggregate(zip_with(x, element_at("
                        + centers
                        + ", "
                        + CLUSTER
                        + " + 1), (a, b) -> (a - b) * (a - b)), "
                        + "0D, (sum, v) -> sum + v)")
                    .as("squared_distance"))
            .agg(org.apache.spark.sql.functions.sum("squared_distance"))
            .first();
    return total.isNullAt(0) ? 0 : total.getDouble(0);
  }

  /** Buyers per k-means cluster index. */
  public static Map<Integer, Long> clusterSizes(Dataset<Row> features, TierModel model) {
    Map<Integer, Long> sizes = new TreeMap<>();
    for (Row row :
        model.pipeline().transform(features).groupBy(col(CLUSTER)).count().collectAsList()) {
      sizes.put(row.getInt(0), row.getLong(1));
    }
    return sizes;
  }

  /**
   * How many distinct buyer profiles there are, counting no further than {@code atMost}. A slice of
   * the buyers usually settles it; only a small or uniform base needs the full count.
   */
  public static long distinctProfiles(Dataset<Row> features, int atMost) {
    Dataset<Row> profiles =
        features.select(FEATURE_COLUMNS.stream().map(c -> col(c)).toArray(Column[]::new));
    long inSlice = profiles.limit(10_000).distinct().count();
    return inSlice >= atMost ? atMost : Math.min(atMost, profiles.distinct().count());
  }

  private static Column[] withTier(List<Column> columns, Column tier, Column name, Column rank) {
    List<Column> all = new ArrayList<>(columns);
    all.add(tier.as(VALUE_TIER));
    all.add(name.as(VALUE_TIER_NAME));
    all.add(rank.cast(DataTypes.IntegerType).as(TIER_RANK));
    return all.toArray(Column[]::new);
  }

  private static List<TierCentroid> rank(
      PipelineModel pipeline, List<String> labels, List<String> displayNames) {
    KMeansModel kmeans = kmeansOf(pipeline);
    StandardScalerModel scaler = scalerOf(pipeline);
    Vector[] centers = kmeans.clusterCenters();
    if (centers.length != labels.size()) {
      throw new IllegalArgumentException(
          "The tier model has "
              + centers.length
              + " clusters but "
              + labels.size()
              + " tiers are configured (segments.tiers.labels)");
    }
    double[] mean = scaler.mean().toArray();
    double[] std = scaler.std().toArray();
    List<Integer> byValue = new ArrayList<>();
    for (int i = 0; i < centers.length; i++) {
      byValue.add(i);
    }
    // Higher money and frequency and lower recency are worth more; the cluster index breaks ties.
    byValue.sort(
        Comparator.comparingDouble((Integer i) -> -valueScore(centers[i])).thenComparing(i -> i));
    List<TierCentroid> centroids = new ArrayList<>();
    for (int rank = 0; rank < byValue.size(); rank++) {
      int cluster = byValue.get(rank);
      double[] z = centers[cluster].toArray();
      centroids.add(
          new TierCentroid(
              labels.get(rank),
              displayNames.get(rank),
              rank + 1,
              cluster,
              valueScore(centers[cluster]),
              z[0],
              z[1],
              z[2],
              Math.expm1(z[0] * std[0] + mean[0]),
              Math.expm1(z[1] * std[1] + mean[1]),
              Math.expm1(z[2] * std[2] + mean[2])));
    }
    return List.copyOf(centroids);
  }

  private static double valueScore(Vector center) {
    return center.apply(2) + center.apply(1) - center.apply(0);
  }

  private static KMeansModel kmeansOf(PipelineModel pipeline) {
    return stage(pipeline, KMeansModel.class);
  }

  private static StandardScalerModel scalerOf(PipelineModel pipeline) {
    return stage(pipeline, StandardScalerModel.class);
  }

  private static <T extends Transformer> T stage(PipelineModel pipeline, Class<T> type) {
    return Arrays.stream(pipeline.stages())
        .filter(type::isInstance)
        .map(type::cast)
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "The tier model has no "
                        + type.getSimpleName()
                        + " stage; it is not a model saved by this job"));
  }
}
