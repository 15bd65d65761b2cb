package com.customervalue.segments.publish;

import com.customervalue.segments.config.Section;
import com.typesafe.config.Config;

/**
 * Where the published tables go ({@code <root>/<table>/snapshot_date=YYYY-MM-DD/}), how many
 * snapshots each keeps (0: all) and whether the run writes its HTML report beside them ({@code
 * segments.output}).
 */
public record OutputSettings(String root, int keepSnapshots, boolean report) {

  public static OutputSettings from(Config config) {
    Section output = Section.of(config, "segments.output");
    int keep = output.integer("keep-snapshots");
    if (keep < 0) {
      throw output.invalid("keep-snapshots", "must be 0 (keep all) or a positive number");
    }
    return new OutputSettings(
        output.requiredString("root", "--output"), keep, output.isTrue("report"));
  }
}
