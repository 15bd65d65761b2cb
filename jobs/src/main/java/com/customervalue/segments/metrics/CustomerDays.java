package com.customervalue.segments.metrics;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The run's orders summed per customer and day, cached, partitioned by customer and sorted by
 * customer and day ({@link CustomerMetrics#customerDays}), every day before the as-of date: what
 * the per-customer metrics and the cohort retention are aggregated from without another pass over
 * the input lines.
 */
public record CustomerDays(Dataset<Row> days) {}
