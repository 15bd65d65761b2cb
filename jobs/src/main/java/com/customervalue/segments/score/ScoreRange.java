package com.customervalue.segments.score;

import java.io.Serializable;

/** An inclusive range of scores, e.g. 3..5, as used by the RFM segment rules. */
public record ScoreRange(int low, int high) implements Serializable {}
