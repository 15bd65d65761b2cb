package com.customervalue.segments.score;

import java.io.Serializable;

/**
 * One row of the RFM segment rule table: a segment name and the R, F and M score ranges it takes.
 */
public record SegmentRule(
    String name, ScoreRange recency, ScoreRange frequency, ScoreRange monetary)
    implements Serializable {}
