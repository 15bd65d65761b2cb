package com.customervalue.segments.tier;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.spark.ml.PipelineModel;

/**
 * A fitted tier pipeline with its clusters ranked and named; {@code trainingCost} is the
 * within-cluster sum of squares on the rows it was trained on (NaN for a model loaded from disk).
 */
public record TierModel(
    PipelineModel pipeline, List<TierCentroid> centroids, double trainingCost, long trainingRows) {

  /** Saves the fitted pipeline to {@code path}, where {@code --tier-model} can load it from. */
  public void save(String path) {
    try {
      pipeline.write().save(path);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot save the tier model to " + path, e);
    }
  }

  /** The centroid of a cluster index as k-means numbers them. */
  public TierCentroid ofCluster(int cluster) {
    return centroids.stream().filter(c -> c.cluster() == cluster).findFirst().orElseThrow();
  }
}
