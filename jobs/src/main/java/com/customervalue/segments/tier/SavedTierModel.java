package com.customervalue.segments.tier;

import java.time.LocalDate;

/** The tier model saved with an earlier snapshot under the output root, and where it is. */
public record SavedTierModel(LocalDate snapshot, String path) {}
