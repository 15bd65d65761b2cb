package com.customervalue.segments.tier;

import static com.customervalue.segments.tier.ValueTiers.CLUSTER;
import static com.customervalue.segments.tier.ValueTiers.FEATURE_COLUMNS;
import static com.customervalue.segments.tier.ValueTiers.SCALED_FEATURES;
import static org.apache.spark.ml.functions.vector_to_array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.ml.clustering.KMeansModel;
import org.apache.spark.ml.evaluation.ClusteringEvaluator;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * How well a tier model of {@link ValueTiers} fits the buyers (cost, silhouette, cluster sizes),
 * and whether the buyers have enough distinct profiles for k clusters at all.
 */
public final class TierQuality {
  private TierQuality() {}

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
    Vector[] clusterCenters = TierRanking.kmeansOf(model.pipeline()).clusterCenters();
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
   * Buyers per k-means cluster index among the rows the model was trained on, as the training
   * summary counted them while fitting (no further pass); empty for a model without a summary (one
   * loaded from disk). Equal to {@link #clusterSizes} of the training rows; like it, no entry for
   * an empty cluster.
   */
  public static Optional<Map<Integer, Long>> trainingClusterSizes(TierModel model) {
    KMeansModel kmeans = TierRanking.kmeansOf(model.pipeline());
    if (!kmeans.hasSummary()) {
      return Optional.empty();
    }
    long[] counted = kmeans.summary().clusterSizes();
    Map<Integer, Long> sizes = new TreeMap<>();
    for (int cluster = 0; cluster < counted.length; cluster++) {
      if (counted[cluster] > 0) {
        sizes.put(cluster, counted[cluster]);
      }
    }
    return Optional.of(sizes);
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
}
