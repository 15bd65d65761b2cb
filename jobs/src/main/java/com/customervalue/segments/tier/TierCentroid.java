package com.customervalue.segments.tier;

/**
 * One cluster of the tier model: its tier, rank (1 = best), buyers assigned to it, and centroid,
 * both standardized (the space k-means works in) and in original units (days, purchases, money).
 */
public record TierCentroid(
    String tier,
    String displayName,
    int rank,
    int cluster,
    double valueScore,
    double scaledRecency,
    double scaledFrequency,
    double scaledMonetary,
    double recencyDays,
    double frequency,
    double monetary) {}
