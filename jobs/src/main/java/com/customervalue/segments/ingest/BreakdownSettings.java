package com.customervalue.segments.ingest;

import com.customervalue.segments.config.Section;
import com.typesafe.config.Config;
import java.util.HashSet;
import java.util.List;

/**
 * The attribute columns customers are broken down by ({@code segments.breakdowns}); read by the
 * validate step, which decides at the edge whether each comes from the customer master or the
 * transactions.
 */
public record BreakdownSettings(List<String> columns) {
  /** No breakdown: segment_breakdown is published empty. */
  public static final BreakdownSettings NONE = new BreakdownSettings(List.of());

  public BreakdownSettings {
    columns = List.copyOf(columns);
  }

  public static BreakdownSettings from(Config config) {
    Section breakdowns = Section.of(config, "segments.breakdowns");
    List<String> columns = breakdowns.strings("columns");
    if (columns.stream().anyMatch(String::isBlank)) {
      throw breakdowns.invalid("columns", "must name columns; a blank name is not one");
    }
    if (new HashSet<>(columns).size() != columns.size()) {
      throw breakdowns.invalid("columns", "names a column twice: " + columns);
    }
    return new BreakdownSettings(columns);
  }
}
