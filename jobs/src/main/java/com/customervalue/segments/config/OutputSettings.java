package com.customervalue.segments.config;

/**
 * Where the published tables go ({@code <root>/<table>/snapshot_date=YYYY-MM-DD/}) and how many
 * snapshots each keeps (0: all).
 */
public record OutputSettings(String root, int keepSnapshots) {}
