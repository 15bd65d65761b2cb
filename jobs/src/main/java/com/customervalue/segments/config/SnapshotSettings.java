package com.customervalue.segments.config;

import java.time.LocalDate;
import java.util.Optional;

/**
 * The point in time a run describes: the as-of date (empty: the day after the latest accepted
 * transaction) and the measurement window in days (0: the whole history).
 */
public record SnapshotSettings(Optional<LocalDate> asOf, int windowDays) {}
