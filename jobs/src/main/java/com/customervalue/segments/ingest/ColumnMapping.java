package com.customervalue.segments.ingest;

import java.util.Optional;

/**
 * Where each field of a transaction is found in the input: column names, and for the amount a
 * column name or a SQL expression over columns.
 */
public record ColumnMapping(
    String customerId, Optional<String> orderId, String timestamp, String amountExpression) {}
