package com.customervalue.segments.publish;

import com.customervalue.segments.tier.TierOutcome;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * One row of the {@code job_runs} table: what a run read, what it did with the rows, what it
 * published and how long each stage took. Written for failed runs too, with the reason.
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
    String sparkVersion) {

  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";

  public static final StructType SCHEMA =
      new StructType()
          .add("run_id", DataTypes.StringType, false)
          .add("started_at", DataTypes.TimestampType, false)
          .add("finished_at", DataTypes.TimestampType, false)
          .add("status", DataTypes.StringType, false)
          .add("failure_reason", DataTypes.StringType, true)
          .add("input_path", DataTypes.StringType, false)
          .add("customers_path", DataTypes.StringType, true)
          .add("output_root", DataTypes.StringType, false)
          .add("config_digest", DataTypes.StringType, false)
          .add("window_days", DataTypes.IntegerType, false)
          .add("rows_read", DataTypes.LongType, false)
          .add("rows_accepted", DataTypes.LongType, false)
          .add("rows_quarantined", DataTypes.LongType, false)
          .add("rows_after_as_of", DataTypes.LongType, false)
          .add("rows_before_window", DataTypes.LongType, false)
          .add(
              "quarantined_by_reason",
              DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType, false),
              false)
          .add("customers", DataTypes.LongType, true)
          .add("buyers", DataTypes.LongType, true)
          .add("k", DataTypes.IntegerType, true)
          .add("silhouette", DataTypes.DoubleType, true)
          .add("training_cost", DataTypes.DoubleType, true)
          .add("training_rows", DataTypes.LongType, true)
          .add("tier_model_reused_from", DataTypes.StringType, true)
          .add(
              "stage_seconds",
              DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, false),
              false)
          .add("spark_version", DataTypes.StringType, false);

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
        CollectionConverters.asScala(stageSeconds),
        sparkVersion);
  }
}
