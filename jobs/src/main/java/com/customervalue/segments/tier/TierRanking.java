package com.customervalue.segments.tier;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.clustering.KMeansModel;
import org.apache.spark.ml.feature.StandardScalerModel;
import org.apache.spark.ml.linalg.Vector;

/**
 * Turns the clusters of a fitted tier pipeline into ranked tiers, best value first, and finds the
 * pipeline's stages in a model that may have been saved by an earlier run.
 */
final class TierRanking {
  private TierRanking() {}

  /**
   * The centroids of {@code pipeline}'s clusters, best first; it must have one cluster per label.
   */
  static List<TierCentroid> rank(
      PipelineModel pipeline, List<String> labels, List<String> displayNames, RankWeights weights) {
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
        Comparator.comparingDouble((Integer i) -> -valueScore(centers[i], weights))
            .thenComparing(i -> i));
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
              valueScore(centers[cluster], weights),
              z[0],
              z[1],
              z[2],
              Math.expm1(z[0] * std[0] + mean[0]),
              Math.expm1(z[1] * std[1] + mean[1]),
              Math.expm1(z[2] * std[2] + mean[2])));
    }
    return List.copyOf(centroids);
  }

  private static double valueScore(Vector center, RankWeights weights) {
    return weights.score(center.apply(0), center.apply(1), center.apply(2));
  }

  static KMeansModel kmeansOf(PipelineModel pipeline) {
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
