package com.customervalue.segments.publish;

import com.customervalue.segments.catalog.Catalog;
import com.customervalue.segments.tier.TierOutcome;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import scala.jdk.javaapi.CollectionConverters;

/**
 * One row of the {@code job_runs} table: what a run read, what it did with the rows, what it
 * published and how long each stage took. Written for failed runs too, with the reason. {@code
 * published} names, per table and directory, what a succeeded run published (for Parquet the
 * snapshot directory, for Iceberg the table's snapshot id): the row is written last, so readers
 * find the latest complete run through it.
 */
public record RunRecord(
    String runId,
    Instant startedAt,
    Instant finishedAt,
    String status,
    Optional<String> failureReason,
    String inputPath,
    Optional<String> customersPath,
    String outputRoot,
    String configDigest,
    int windowDays,
    long rowsRead,
    long rowsAccepted,
    long rowsQuarantined,
    long rowsAfterAsOf,
    long rowsBeforeWindow,
    Map<String, Long> quarantinedByReason,
    Optional<Long> customers,
    Optional<Long> buyers,
    Optional<TierOutcome> tiers,
    Map<String, Double> stageSeconds,
    String sparkVersion,
    String outputFormat,
    Map<String, String> published) {

  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";

  /** The record as a one-row {@code job_runs} table. */
  public Dataset<Row> toDataset(SparkSession spark) {
    return spark.createDataFrame(List.of(toRow()), Catalog.JOB_RUNS.schema());
  }

  public Row toRow() {
    return RowFactory.create(
        runId,
        Timestamp.from(startedAt),
        Timestamp.from(finishedAt),
        status,
        failureReason.orElse(null),
        inputPath,
        customersPath.orElse(null),
        outputRoot,
        configDigest,
        windowDays,
        rowsRead,
        rowsAccepted,
        rowsQuarantined,
        rowsAfterAsOf,
        rowsBeforeWindow,
        CollectionConverters.asScala(quarantinedByReason),
        customers.orElse(null),
        buyers.orElse(null),
        tiers.map(TierOutcome::k).orElse(null),
        tiers.map(TierOutcome::silhouette).orElse(null),
        tiers.flatMap(TierOutcome::trainingCost).orElse(null),
        tiers.map(TierOutcome::trainingRows).orElse(null),
        tiers.flatMap(TierOutcome::reusedModelPath).orElse(null),
        tiers.flatMap(TierOutcome::modelSnapshot).map(Date::valueOf).orElse(null),
        tiers.map(TierOutcome::trained).orElse(null),
        CollectionConverters.asScala(stageSeconds),
        sparkVersion,
        outputFormat,
        CollectionConverters.asScala(published));
  }
}
