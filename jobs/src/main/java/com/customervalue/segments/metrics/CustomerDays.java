package com.customervalue.segments.metrics;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The run's orders summed per customer and day ({@link CustomerMetrics#customerDays}), not cached:
 * the metrics and the cohort cells are computed from them in one pass, so only the backtest of the
 * value models reads them again, and then recomputes them from the input lines.
 */
public record CustomerDays(Dataset<Row> days) {}
