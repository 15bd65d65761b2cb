package com.customervalue.segments.tier;

import com.customervalue.segments.config.Section;
import com.typesafe.config.Config;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * How value tiers are found ({@code segments.tiers}): k-means with {@code k} clusters, ranked by
 * {@code rankWeights} and named best first by {@code labels} (and {@code displayNames} for
 * reports), trained on at most {@code trainingCap} buyers; or taken from a saved model: the one at
 * {@code modelPath}, else an earlier snapshot's at most {@code modelMaxAgeDays} old unless {@code
 * retrain}.
 */
public record TierSettings(
    int k,
    List<String> labels,
    List<String> displayNames,
    long seed,
    int maxIterations,
    long trainingCap,
    RankWeights rankWeights,
    Optional<String> modelPath,
    int modelMaxAgeDays,
    boolean retrain) {

  public static TierSettings from(Config config) {
    Section tiers = Section.of(config, "segments.tiers");
    int k = tiers.integer("k");
    if (k < 2) {
      throw tiers.invalid("k", "must be at least 2, got " + k);
    }
    List<String> labels = tiers.strings("labels").stream().map(String::trim).toList();
    if (labels.size() != k
        || labels.stream().anyMatch(String::isEmpty)
        || Set.copyOf(labels).size() != k) {
      throw tiers.invalid(
          "labels",
          "must be "
              + k
              + " distinct, non-empty names (one per cluster, segments.tiers.k = "
              + k
              + "), got "
              + labels);
    }
    List<String> displayNames = tiers.strings("display-names");
    if (displayNames.size() != k) {
      throw tiers.invalid(
          "display-names", "must hold " + k + " names, one per label, got " + displayNames.size());
    }
    int maxIterations = tiers.integer("max-iterations");
    if (maxIterations < 1) {
      throw tiers.invalid("max-iterations", "must be at least 1");
    }
    long trainingCap = tiers.wholeNumber("training-cap");
    if (trainingCap < k) {
      throw tiers.invalid("training-cap", "must be at least segments.tiers.k = " + k);
    }
    int modelMaxAgeDays = tiers.integer("model-max-age-days");
    if (modelMaxAgeDays < 0) {
      throw tiers.invalid("model-max-age-days", "must be at least 0 (0: never reuse)");
    }
    return new TierSettings(
        k,
        labels,
        List.copyOf(displayNames),
        tiers.wholeNumber("seed"),
        maxIterations,
        trainingCap,
        rankWeights(tiers, Section.of(config, "segments.tiers.rank-weights")),
        tiers.optionalString("model-path"),
        modelMaxAgeDays,
        tiers.isTrue("retrain"));
  }

  private static RankWeights rankWeights(Section tiers, Section weights) {
    try {
      return new RankWeights(
          weights.number("monetary"), weights.number("frequency"), weights.number("recency"));
    } catch (IllegalArgumentException e) {
      throw tiers.invalid("rank-weights", e.getMessage());
    }
  }
}
