package com.customervalue.segments.tier;

import java.time.LocalDate;
import java.util.Optional;

/**
 * What the tier stage did, for the run record: k, the quality of the clustering, how many buyers it
 * was trained on (0 when a saved model was reused), where a reused model came from, the snapshot
 * the assigning model was trained for ({@code modelSnapshot}, when known) and the weights its
 * clusters were ranked by.
 */
public record TierOutcome(
    int k,
    double silhouette,
    Optional<Double> trainingCost,
    long trainingRows,
    Optional<String> reusedModelPath,
    Optional<LocalDate> modelSnapshot,
    RankWeights rankWeights) {

  /** Whether this run trained the model that assigned its tiers. */
  public boolean trained() {
    return reusedModelPath.isEmpty();
  }
}
