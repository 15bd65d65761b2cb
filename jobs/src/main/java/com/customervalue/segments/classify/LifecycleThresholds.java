package com.customervalue.segments.classify;

/** Days that separate new, at-risk and lapsed customers. */
public record LifecycleThresholds(int newDays, int atRiskDays, int churnDays) {}
