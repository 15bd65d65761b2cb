package com.customervalue.segments.ingest;

import com.customervalue.segments.config.Section;
import com.typesafe.config.Config;
import java.time.ZoneId;
import java.util.Optional;

/**
 * What to read ({@code segments.input}, {@code segments.customers}): the transactions, the optional
 * customer master, and how to interpret them.
 */
public record InputSettings(
    String transactionsPath,
    Optional<String> customersPath,
    ColumnMapping columns,
    ZoneId timeZone,
    String customerMasterIdColumn) {

  public static InputSettings from(Config config) {
    Section input = Section.of(config, "segments.input");
    Section columns = Section.of(config, "segments.input.columns");
    ColumnMapping mapping =
        new ColumnMapping(
            columns.requiredString("customer-id", null),
            columns.optionalString("order-id"),
            columns.requiredString("timestamp", null),
            columns.requiredString("amount", null));
    return new InputSettings(
        input.requiredString("path", "--input"),
        input.optionalString("customers-path"),
        mapping,
        input.parsed("time-zone", ZoneId::of, "a time-zone id such as UTC or Europe/London"),
        Section.of(config, "segments.customers").requiredString("customer-id-column", null));
  }
}
