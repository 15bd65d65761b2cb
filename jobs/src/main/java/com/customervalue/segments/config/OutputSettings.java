package com.customervalue.segments.config;

/** Where the published tables go: {@code <root>/<table>/snapshot_date=YYYY-MM-DD/}. */
public record OutputSettings(String root) {}
