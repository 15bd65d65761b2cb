package com.customervalue.segments.config;

/**
 * Where the published tables go ({@code <root>/<table>/snapshot_date=YYYY-MM-DD/}), how many
 * snapshots each keeps (0: all) and whether the run writes its HTML report beside them.
 */
public record OutputSettings(String root, int keepSnapshots, boolean report) {}
