package com.customervalue.segments.metrics;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The cohort triangle cells of each partition's customers, held by the driver ({@link
 * CustomerDaysPass#cells}: cohort month index, months since first purchase, active customers, net
 * units), every day before the as-of date: what {@code cohort_retention} sums across partitions.
 */
public record CohortCells(Dataset<Row> cells) {}
