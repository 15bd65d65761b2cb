package com.customervalue.segments.tier;

import java.util.List;
import org.apache.spark.ml.PipelineModel;

/**
 * A fitted tier pipeline with its clusters ranked and named; {@code trainingCost} is the
 * within-cluster sum of squares on the rows it was trained on (NaN for a model loaded from disk).
 */
public record TierModel(
    PipelineModel pipeline, List<TierCentroid> centroids, double trainingCost, long trainingRows) {

  /** The centroid of a cluster index as k-means numbers them. */
  public TierCentroid ofCluster(int cluster) {
    return centroids.stream().filter(c -> c.cluster() == cluster).findFirst().orElseThrow();
  }
}
