package com.customervalue.segments.config;

import com.customervalue.segments.serve.ServingSettings;

/**
 * Everything a segmentation run needs, validated; {@code configDigest} identifies the effective
 * configuration in the run record.
 */
public record JobSettings(
    InputSettings input,
    SnapshotSettings snapshot,
    QualitySettings quality,
    OutputSettings output,
    ScoringSettings scoring,
    TierSettings tiers,
    ClassificationSettings classification,
    ServingSettings serving,
    String configDigest) {}
