package com.customervalue.segments.metrics;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The run's orders, cached: one row per customer and order ({@link CustomerMetrics#CUSTOMER_ID},
 * {@link CustomerMetrics#ORDER_DATE}, {@link CustomerMetrics#ORDER_UNITS}), every one dated before
 * the as-of date; what the per-customer metrics and the cohort retention are aggregated from.
 */
public record Orders(Dataset<Row> orders) {}
