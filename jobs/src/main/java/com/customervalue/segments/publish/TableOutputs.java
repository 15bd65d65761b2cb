package com.customervalue.segments.publish;

import com.customervalue.segments.pipeline.TableOutput;
import org.apache.spark.sql.SparkSession;

/** Opens the {@link TableOutput} of the configured format; nothing else knows the formats. */
public final class TableOutputs {
  private TableOutputs() {}

  /**
   * The output of a run ({@code repair} true: the Parquet layout repairs what a crashed run left;
   * Iceberg commits need no repair) or of a reader such as {@code segments sql} ({@code repair}
   * false).
   */
  public static TableOutput open(
      SparkSession spark, OutputSettings settings, String runId, boolean repair) {
    return switch (settings.format()) {
      case PARQUET -> new SnapshotOutput(spark, settings.root(), runId, repair);
      case ICEBERG -> new IcebergOutput(spark, settings.root(), settings.iceberg(), runId);
    };
  }
}
