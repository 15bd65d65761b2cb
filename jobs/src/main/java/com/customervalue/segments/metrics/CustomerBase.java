package com.customervalue.segments.metrics;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The per-customer metrics of a run (cached: every later step reads them) and how many customers
 * and buyers they hold.
 */
public record CustomerBase(Dataset<Row> metrics, long customers, long buyers) {}
