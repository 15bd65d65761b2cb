package com.customervalue.segments.classify;

/** Cumulative revenue shares that end grades A, B and C; the rest is D. */
public record ValueGradeShares(double aShare, double bShare, double cShare) {}
