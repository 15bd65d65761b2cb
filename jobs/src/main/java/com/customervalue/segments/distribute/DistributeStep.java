package com.customervalue.segments.distribute;

import com.customervalue.segments.catalog.Catalog;
import com.customervalue.segments.clv.ClvStep;
import com.customervalue.segments.clv.ValueModels;
import com.customervalue.segments.ingest.Ingested;
import com.customervalue.segments.ingest.ValidateStep;
import com.customervalue.segments.metrics.MetricsStep;
import com.customervalue.segments.pipeline.RunState;
import com.customervalue.segments.pipeline.Step;
import com.customervalue.segments.pipeline.TableOutput;
import com.customervalue.segments.score.RfmSegmentMap;
import com.customervalue.segments.score.RfmThresholds;
import com.customervalue.segments.score.ScoreStep;
import com.customervalue.segments.score.ScoringSettings;
import com.customervalue.segments.tier.TierCentroids;
import com.customervalue.segments.tier.TierModel;
import com.customervalue.segments.tier.TierStep;
import com.customervalue.segments.tier.Tiering;
import com.customervalue.segments.tier.ValueTiers;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Stages the tables derived from the staged customer_segments (read back from Parquet rather than
 * recomputed): thresholds, centroids, tier and segment summaries, the segment map, value
 * distributions, the breakdowns by customer attributes, and the migration against the latest
 * earlier snapshot under the same output root; and the cohort retention, from the run's orders.
 */
public final class DistributeStep implements Step {
  private final ScoringSettings scoring;

  public DistributeStep(ScoringSettings scoring) {
    this.scoring = scoring;
  }

  @Override
  public String name() {
    return "distribute";
  }

  @Override
  public String description(RunState state) {
    return "summaries, distributions, tier migration and cohort retention";
  }

  @Override
  public void run(RunState state) {
    TableOutput output = state.output();
    LocalDate asOf = state.get(ValidateStep.INGESTED).asOf();
    Tiering tiering = state.get(TierStep.TIERING);
    Dataset<Row> segments = output.staged(Catalog.CUSTOMER_SEGMENTS);
    Dataset<Row> centroids = TierCentroids.table(state.spark(), tiering.model(), tiering.sizes());
    Optional<LocalDate> previous =
        output.snapshots(Catalog.CUSTOMER_SEGMENTS).stream()
            .filter(date -> date.isBefore(asOf))
            .reduce((first, second) -> second);
    Optional<Dataset<Row>> previousSegments =
        previous.map(date -> output.published(Catalog.CUSTOMER_SEGMENTS, date));
    output.stage(
        Catalog.RFM_THRESHOLDS,
        asOf,
        RfmThresholds.table(state.spark(), state.get(ScoreStep.BREAKS), scoring.quantiles()));
    output.stage(Catalog.TIER_CENTROIDS, asOf, centroids);
    ValueDistribution distribution =
        ValueDistribution.of(segments, scoring.quantiles(), scoring.relativeError());
    output.stage(
        Catalog.TIER_SUMMARY,
        asOf,
        SegmentSummaries.tierSummary(segments, centroids, distribution.percentiles()));
    output.stage(Catalog.RFM_SEGMENT_SUMMARY, asOf, SegmentSummaries.rfmSegmentSummary(segments));
    output.stage(
        Catalog.RFM_SEGMENT_MAP,
        asOf,
        RfmSegmentMap.table(state.spark(), scoring.bins(), scoring.segmentRules(), segments));
    output.stage(Catalog.VALUE_DISTRIBUTION, asOf, distribution.table());
    output.stage(
        Catalog.TIER_MIGRATION, asOf, tierMigration(state, segments, previousSegments, previous));
    output.stage(
        Catalog.COHORT_RETENTION,
        asOf,
        CohortRetention.table(state.get(MetricsStep.COHORT_CELLS).cells(), asOf));
    Ingested ingested = state.get(ValidateStep.INGESTED);
    output.stage(
        Catalog.SEGMENT_BREAKDOWN,
        asOf,
        SegmentBreakdown.table(
            segments, ingested.breakdowns(), ingested.transactionAttributeValues()));
    ValueModels models = state.get(ClvStep.MODELS);
    output.stage(Catalog.CLV_MODEL, asOf, models.modelTable(state.spark()));
    output.stage(
        Catalog.CLV_BACKTEST,
        asOf,
        models
            .backtest()
            .orElseGet(
                () -> state.spark().createDataFrame(List.of(), Catalog.CLV_BACKTEST.schema())));
  }

  /**
   * Movement between two snapshots is measured under one model: this snapshot's if it reused the
   * previous one's, else the previous model, with this snapshot's customers assigned by it too; the
   * difference between the two models is then published as drift, never mixed into movement.
   */
  private static Dataset<Row> tierMigration(
      RunState state,
      Dataset<Row> segments,
      Optional<Dataset<Row>> previousSegments,
      Optional<LocalDate> previous) {
    Optional<TierModel> replaced = state.get(TierStep.TIERING).replacedModel();
    if (replaced.isEmpty() || previous.isEmpty()) {
      return TierMigration.movement(segments, previousSegments, previous);
    }
    Dataset<Row> underPreviousModel =
        ValueTiers.assign(state.get(MetricsStep.CUSTOMERS).metrics(), replaced.get());
    return TierMigration.movement(underPreviousModel, previousSegments, previous)
        .unionByName(TierMigration.modelDrift(underPreviousModel, segments, previous.get()));
  }
}
