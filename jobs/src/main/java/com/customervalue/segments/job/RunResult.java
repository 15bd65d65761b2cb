package com.customervalue.segments.job;

import com.customervalue.segments.ingest.IngestCounts;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;

/** What a segmentation run did, for the summary printed at its end and for tests. */
public record RunResult(
    String runId,
    String status,
    Optional<LocalDate> snapshot,
    Optional<IngestCounts> counts,
    Optional<Long> customers,
    Optional<Long> buyers,
    Map<String, String> publishedTables,
    Map<String, Double> stageSeconds,
    Duration elapsed) {}
