package com.customervalue.segments.config;

import java.time.LocalDate;

/** How much bad input a run tolerates before it fails, and what counts as implausibly old. */
public record QualitySettings(double maxQuarantinedShare, LocalDate earliestDate) {}
