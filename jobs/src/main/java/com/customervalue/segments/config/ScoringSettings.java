package com.customervalue.segments.config;

import com.customervalue.segments.score.QuantileMode;
import com.customervalue.segments.score.SegmentRule;
import java.util.List;

/** How R/F/M scores and named RFM segments are computed. */
public record ScoringSettings(
    int bins, QuantileMode quantiles, double relativeError, List<SegmentRule> segmentRules) {}
