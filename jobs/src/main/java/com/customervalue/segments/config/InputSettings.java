package com.customervalue.segments.config;

import java.time.ZoneId;
import java.util.Optional;

/** What to read: the transactions, the optional customer master, and how to interpret them. */
public record InputSettings(
    String transactionsPath,
    Optional<String> customersPath,
    ColumnMapping columns,
    ZoneId timeZone,
    String customerMasterIdColumn) {}
