package com.customervalue.segments.catalog;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import com.customervalue.segments.catalog.TableSpec.Kind;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructType;

/**
 * Every table the segmentation run publishes, declared once (see docs/ARCHITECTURE.md, "The table
 * catalog"). Adding a table is an entry here, its builder in the stage that computes it, and its
 * section in notebooks/DATA-DICTIONARY.md.
 */
public final class Catalog {
  /** Money: sums of order lines, exact. */
  public static final DecimalType MONEY = DataTypes.createDecimalType(28, 4);

  /** One order line's amount. */
  public static final DecimalType LINE_AMOUNT = DataTypes.createDecimalType(18, 4);

  /** A score break: money with room for the interpolation's extra decimals. */
  public static final DecimalType BREAK = DataTypes.createDecimalType(30, 8);

  public static final TableSpec CUSTOMER_SEGMENTS =
      new TableSpec(
          "customer_segments",
          "customer",
          List.of("customer_id"),
          new StructType()
              .add("customer_id", StringType)
              .add("first_purchase_date", DateType)
              .add("last_purchase_date", DateType)
              .add("recency_days", IntegerType)
              .add("frequency", IntegerType)
              .add("monetary", MONEY)
              .add("gross_revenue", MONEY)
              .add("returns_amount", MONEY)
              .add("avg_order_value", MONEY)
              .add("tenure_days", IntegerType)
              .add("amount_level_revenue", MONEY)
              .add("repeat_purchases", IntegerType)
              .add("repeat_purchase_value", MONEY)
              .add("r_score", IntegerType)
              .add("f_score", IntegerType)
              .add("m_score", IntegerType)
              .add("rfm_cell", StringType)
              .add("rfm_segment", StringType)
              .add("value_tier", StringType)
              .add("value_tier_name", StringType)
              .add("tier_rank", IntegerType)
              .add("lifecycle_status", StringType)
              .add("value_grade", StringType)
              .add("amount_level", IntegerType)
              .add("amount_above_cap", BooleanType)
              .add("recommended_action", StringType)
              .add("p_alive", DoubleType)
              .add("expected_purchases", DoubleType)
              .add("expected_order_value", MONEY)
              .add("clv", MONEY),
          List.of(
              List.of("snapshot_date", "value_tier"),
              List.of("snapshot_date", "rfm_segment"),
              List.of("snapshot_date", "lifecycle_status")),
          Kind.SNAPSHOT,
          true);

  /** Rejected input rows; identical rows are real, so there is no key. */
  public static final TableSpec QUARANTINE =
      new TableSpec(
          "quarantine",
          "rejected input row",
          List.of(),
          new StructType()
              .add("reason", StringType)
              .add("source_file", StringType)
              .add("customer_id", StringType)
              .add("order_id", StringType)
              .add("transaction_date", DateType)
              .add("amount", LINE_AMOUNT)
              .add("raw_record", StringType),
          List.of(List.of("snapshot_date", "reason")),
          Kind.SNAPSHOT,
          false);

  public static final TableSpec RFM_THRESHOLDS =
      TableSpec.snapshot(
          "rfm_thresholds",
          "score break",
          List.of("metric", "break_index"),
          new StructType()
              .add("metric", StringType, false)
              .add("break_index", IntegerType, false)
              .add("quantile", DoubleType, true)
              .add("threshold", BREAK, false)
              .add("quantile_mode", StringType, true)
              .add("break_method", StringType, false));

  public static final TableSpec TIER_CENTROIDS =
      TableSpec.snapshot(
          "tier_centroids",
          "value tier",
          List.of("value_tier"),
          new StructType()
              .add("value_tier", StringType, false)
              .add("value_tier_name", StringType, false)
              .add("tier_rank", IntegerType, false)
              .add("cluster", IntegerType, false)
              .add("buyers", LongType, false)
              .add("value_score", DoubleType, false)
              .add("scaled_log_recency_days", DoubleType, false)
              .add("scaled_log_frequency", DoubleType, false)
              .add("scaled_log_monetary", DoubleType, false)
              .add("centroid_recency_days", DoubleType, false)
              .add("centroid_frequency", DoubleType, false)
              .add("centroid_monetary", DoubleType, false));

  public static final TableSpec TIER_SUMMARY =
      TableSpec.snapshot(
          "tier_summary",
          "value tier",
          List.of("value_tier"),
          new StructType()
              .add("value_tier", StringType)
              .add("value_tier_name", StringType)
              .add("tier_rank", IntegerType)
              .add("customers", LongType)
              .add("customer_share", DoubleType)
              .add("buyers", LongType)
              .add("revenue", MONEY)
              .add("revenue_share", DoubleType)
              .add("avg_recency_days", DoubleType)
              .add("median_recency_days", DoubleType)
              .add("avg_frequency", DoubleType)
              .add("median_frequency", DoubleType)
              .add("avg_monetary", DoubleType)
              .add("median_monetary", DoubleType)
              .add("centroid_recency_days", DoubleType)
              .add("centroid_frequency", DoubleType)
              .add("centroid_monetary", DoubleType)
              .add("repeat_rate", DoubleType)
              .add("mean_p_alive", DoubleType)
              .add("total_clv", MONEY));

  public static final TableSpec RFM_SEGMENT_SUMMARY =
      TableSpec.snapshot(
          "rfm_segment_summary",
          "RFM segment",
          List.of("rfm_segment"),
          new StructType()
              .add("rfm_segment", StringType)
              .add("customers", LongType)
              .add("customer_share", DoubleType)
              .add("orders", LongType)
              .add("order_share", DoubleType)
              .add("revenue", MONEY)
              .add("revenue_share", DoubleType)
              .add("avg_recency_days", DoubleType)
              .add("avg_frequency", DoubleType)
              .add("avg_monetary", DoubleType));

  /** Every cell of the score cube with its segment: the segment map in force, drawn whole. */
  public static final TableSpec RFM_SEGMENT_MAP =
      TableSpec.snapshot(
          "rfm_segment_map",
          "RFM cell",
          List.of("rfm_cell"),
          new StructType()
              .add("r_score", IntegerType, false)
              .add("f_score", IntegerType, false)
              .add("m_score", IntegerType, false)
              .add("rfm_cell", StringType, false)
              .add("rfm_segment", StringType, false)
              .add("customers", LongType, false)
              .add("revenue", MONEY, false));

  public static final TableSpec VALUE_DISTRIBUTION =
      TableSpec.snapshot(
          "value_distribution",
          "metric × tier × statistic",
          List.of("metric", "value_tier", "statistic", "position"),
          new StructType()
              .add("metric", StringType, false)
              .add("value_tier", StringType, false)
              .add("statistic", StringType, false)
              .add("position", IntegerType, false)
              .add("lower_bound", DoubleType, true)
              .add("upper_bound", DoubleType, true)
              .add("customers", LongType, true)
              .add("customer_share", DoubleType, true)
              .add("value", DoubleType, true));

  public static final TableSpec TIER_MIGRATION =
      TableSpec.snapshot(
          "tier_migration",
          "measure × from tier × to tier",
          List.of("measure", "from_tier", "to_tier"),
          new StructType()
              .add("measure", StringType)
              .add("from_tier", StringType)
              .add("to_tier", StringType)
              .add("customers", LongType)
              .add("revenue", MONEY)
              .add("previous_revenue", MONEY)
              .add("previous_snapshot_date", DateType));

  /**
   * Customers by the month of their first purchase and what they did in each month since: the
   * cohort triangle, empty months included.
   */
  public static final TableSpec COHORT_RETENTION =
      TableSpec.snapshot(
          "cohort_retention",
          "cohort month × months since first purchase",
          List.of("cohort_month", "months_since_first"),
          new StructType()
              .add("cohort_month", DateType)
              .add("months_since_first", IntegerType)
              .add("cohort_customers", LongType)
              .add("active_customers", LongType)
              .add("retention_share", DoubleType)
              .add("revenue", MONEY));

  /**
   * Customers by attribute value × value tier × lifecycle status, for each breakdown column
   * (segments.breakdowns.columns); empty when none is configured. Customers without a value of an
   * attribute are counted under the empty attribute_value, which a real value never is (blank
   * values count as none), so the key stays non-null for the PostgreSQL copy.
   */
  public static final TableSpec SEGMENT_BREAKDOWN =
      TableSpec.snapshot(
          "segment_breakdown",
          "attribute × attribute value × value tier × lifecycle status",
          List.of("attribute", "attribute_value", "value_tier", "lifecycle_status"),
          new StructType()
              .add("attribute", StringType, false)
              .add("attribute_value", StringType, false)
              .add("value_tier", StringType, false)
              .add("lifecycle_status", StringType, false)
              .add("customers", LongType, false)
              .add("buyers", LongType, false)
              .add("revenue", MONEY, false)
              .add("revenue_share", DoubleType, true));

  /**
   * The fitted buy-till-you-die models: one row per parameter of each fit, with its standard error
   * and the fit's log-likelihood, size and convergence; {@code full} fits drive the predictions,
   * {@code calibration} fits (with a holdout) the backtest.
   */
  public static final TableSpec CLV_MODEL =
      TableSpec.snapshot(
          "clv_model",
          "fit × model × parameter",
          List.of("fit", "model", "parameter"),
          new StructType()
              .add("fit", StringType, false)
              .add("model", StringType, false)
              .add("parameter", StringType, false)
              .add("value", DoubleType, false)
              .add("standard_error", DoubleType, true)
              .add("time_unit", StringType, false)
              .add("observation_end", DateType, false)
              .add("log_likelihood", DoubleType, false)
              .add("customers", LongType, false)
              .add("distinct_inputs", LongType, false)
              .add("iterations", IntegerType, false)
              .add("converged", BooleanType, false));

  /**
   * The holdout backtest: per model and calibration repeat purchases (0..6, 7+ and all), the
   * customers' mean actual and predicted purchase days in the holdout; empty without a holdout.
   */
  public static final TableSpec CLV_BACKTEST =
      TableSpec.snapshot(
          "clv_backtest",
          "model × calibration repeat purchases",
          List.of("model", "repeat_purchases"),
          new StructType()
              .add("model", StringType, false)
              .add("repeat_purchases", StringType, false)
              .add("bin_order", IntegerType, false)
              .add("customers", LongType, false)
              .add("actual_mean", DoubleType, false)
              .add("predicted_mean", DoubleType, false)
              .add("correlation", DoubleType, true)
              .add("holdout_start", DateType, false)
              .add("holdout_days", IntegerType, false));

  /** The log of runs: one row per run, failed ones included, written last. */
  public static final TableSpec JOB_RUNS =
      new TableSpec(
          "job_runs",
          "run",
          List.of("run_id"),
          new StructType()
              .add("run_id", StringType, false)
              .add("started_at", TimestampType, false)
              .add("finished_at", TimestampType, false)
              .add("status", StringType, false)
              .add("failure_reason", StringType, true)
              .add("input_path", StringType, false)
              .add("customers_path", StringType, true)
              .add("output_root", StringType, false)
              .add("config_digest", StringType, false)
              .add("window_days", IntegerType, false)
              .add("rows_read", LongType, false)
              .add("rows_accepted", LongType, false)
              .add("rows_quarantined", LongType, false)
              .add("rows_after_as_of", LongType, false)
              .add("rows_before_window", LongType, false)
              .add(
                  "quarantined_by_reason",
                  DataTypes.createMapType(StringType, LongType, false),
                  false)
              .add("customers", LongType, true)
              .add("buyers", LongType, true)
              .add("k", IntegerType, true)
              .add("silhouette", DoubleType, true)
              .add("training_cost", DoubleType, true)
              .add("training_rows", LongType, true)
              .add("tier_model_reused_from", StringType, true)
              .add("tier_model_snapshot", DateType, true)
              .add("tier_model_trained", BooleanType, true)
              .add("stage_seconds", DataTypes.createMapType(StringType, DoubleType, false), false)
              .add("spark_version", StringType, false)
              .add("output_format", StringType, false)
              .add("published", DataTypes.createMapType(StringType, StringType, false), false),
          List.of(List.of("snapshot_date")),
          Kind.RUN_LOG,
          false);

  /** Every table, in the order a run publishes them (job_runs last). */
  public static final List<TableSpec> TABLES =
      List.of(
          CUSTOMER_SEGMENTS,
          QUARANTINE,
          RFM_THRESHOLDS,
          TIER_CENTROIDS,
          TIER_SUMMARY,
          RFM_SEGMENT_SUMMARY,
          RFM_SEGMENT_MAP,
          VALUE_DISTRIBUTION,
          TIER_MIGRATION,
          COHORT_RETENTION,
          SEGMENT_BREAKDOWN,
          CLV_MODEL,
          CLV_BACKTEST,
          JOB_RUNS);

  /** Not a table: the fitted PipelineModel of the snapshot, reusable with --tier-model. */
  public static final String TIER_MODEL = "tier_model";

  /** Not a table: the HTML report of the snapshot, {@code report/snapshot_date=.../index.html}. */
  public static final String REPORT = "report";

  public static final String REPORT_FILE = "index.html";

  /**
   * Every directory kept per snapshot, repaired and pruned alike: the snapshot tables, the model
   * and the report (job_runs, the log of runs, is never pruned).
   */
  public static final List<String> SNAPSHOT_DIRECTORIES =
      Stream.concat(
              TABLES.stream().filter(table -> table.kind() == Kind.SNAPSHOT).map(TableSpec::name),
              Stream.of(TIER_MODEL, REPORT))
          .toList();

  private Catalog() {}
}
