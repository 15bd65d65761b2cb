package com.customervalue.segments.job;

import com.customervalue.segments.catalog.Catalog;
import com.customervalue.segments.ingest.Ingested;
import com.customervalue.segments.ingest.ValidateStep;
import com.customervalue.segments.metrics.CustomerBase;
import com.customervalue.segments.metrics.MetricsStep;
import com.customervalue.segments.pipeline.RunState;
import com.customervalue.segments.pipeline.StepFailedException;
import com.customervalue.segments.pipeline.StepRunner;
import com.customervalue.segments.publish.PublishStep;
import com.customervalue.segments.publish.RunRecord;
import com.customervalue.segments.tier.TierOutcome;
import com.customervalue.segments.tier.TierStep;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a run's row of {@code job_runs}, the last thing a run publishes, whether it succeeds or
 * fails, and makes the run's result. A run that fails before its as-of date is known has no
 * snapshot to record under, and ends as the failure itself.
 */
final class RunRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(RunRecorder.class);

  private final JobSettings settings;
  private final RunState state;
  private final StepRunner runner;
  private final Instant startedAt;
  private Dataset<Row> succeededRecord;

  RunRecorder(JobSettings settings, RunState state, StepRunner runner, Instant startedAt) {
    this.settings = settings;
    this.state = state;
    this.runner = runner;
    this.startedAt = startedAt;
  }

  /**
   * The record of a run that succeeded, made when first asked for (by the serve step, which copies
   * it, or at the end) with the stage timings up to then, and the same row ever after.
   */
  Dataset<Row> succeededRecord() {
    if (succeededRecord == null) {
      CustomerBase customers = state.get(MetricsStep.CUSTOMERS);
      TierOutcome tiers = state.get(TierStep.TIERING).outcome();
      succeededRecord =
          record(
              RunRecord.SUCCEEDED,
              Optional.empty(),
              Optional.of(customers.customers()),
              Optional.of(customers.buyers()),
              Optional.of(tiers),
              state.get(PublishStep.PUBLISHED).paths());
    }
    return succeededRecord;
  }

  /** Appends the succeeded run's record and returns what the run did. */
  RunResult succeeded() {
    Ingested ingested = state.get(ValidateStep.INGESTED);
    CustomerBase customers = state.get(MetricsStep.CUSTOMERS);
    Map<String, String> published = new LinkedHashMap<>(state.get(PublishStep.PUBLISHED).paths());
    published.put(
        Catalog.JOB_RUNS.name(),
        state.output().append(Catalog.JOB_RUNS, ingested.asOf(), succeededRecord()));
    return new RunResult(
        state.runId(),
        RunRecord.SUCCEEDED,
        Optional.of(ingested.asOf()),
        Optional.of(ingested.counts()),
        Optional.of(customers.customers()),
        Optional.of(customers.buyers()),
        published,
        runner.stageSeconds(),
        Duration.between(startedAt, Instant.now()));
  }

  /**
   * Discards what the failed run staged, records it as failed, and returns the exception to throw:
   * a {@link JobFailedException} carrying the partial result, or {@code failure} itself when it
   * came before the as-of date was known (e.g. an {@link
   * com.customervalue.segments.ingest.InvalidInputException}).
   */
  RuntimeException failed(RuntimeException failure) {
    boolean expected = failure instanceof StepFailedException;
    Throwable cause = expected ? failure.getCause() : failure;
    String reason = failure.getMessage() == null ? failure.toString() : failure.getMessage();
    Optional<Ingested> ingested = state.find(ValidateStep.INGESTED);
    if (ingested.isEmpty()) {
      return expected ? new JobFailedException(reason, null, cause) : failure;
    }
    if (!expected) {
      LOG.error("Run {} failed unexpectedly", state.runId(), failure);
    }
    state.output().discard();
    RunResult result =
        new RunResult(
            state.runId(),
            RunRecord.FAILED,
            Optional.of(ingested.get().asOf()),
            Optional.of(ingested.get().counts()),
            Optional.empty(),
            Optional.empty(),
            Map.of(),
            runner.stageSeconds(),
            Duration.between(startedAt, Instant.now()));
    try {
      Dataset<Row> record =
          record(
              RunRecord.FAILED,
              Optional.of(reason),
              Optional.empty(),
              Optional.empty(),
              Optional.empty(),
              Map.of());
      state.output().append(Catalog.JOB_RUNS, ingested.get().asOf(), record);
    } catch (RuntimeException recordFailure) {
      LOG.warn("Could not record the failed run {}: {}", state.runId(), recordFailure.getMessage());
    }
    return new JobFailedException(reason, result, cause);
  }

  private Dataset<Row> record(
      String status,
      Optional<String> failureReason,
      Optional<Long> customers,
      Optional<Long> buyers,
      Optional<TierOutcome> tiers,
      Map<String, String> published) {
    Ingested ingested = state.get(ValidateStep.INGESTED);
    RunRecord record =
        new RunRecord(
            state.runId(),
            startedAt,
            Instant.now(),
            status,
            failureReason,
            settings.input().transactionsPath(),
            settings.input().customersPath(),
            settings.output().root(),
            settings.configDigest(),
            settings.snapshot().windowDays(),
            ingested.counts().rowsRead(),
            ingested.counts().rowsAccepted(),
            ingested.counts().rowsQuarantined(),
            ingested.counts().rowsAfterAsOf(),
            ingested.counts().rowsBeforeWindow(),
            ingested.counts().quarantinedByReason(),
            customers,
            buyers,
            tiers,
            runner.stageSeconds(),
            state.spark().version(),
            settings.output().format().name().toLowerCase(Locale.ROOT),
            published);
    return record.toDataset(state.spark());
  }
}
