package com.customervalue.segments.config;

import com.customervalue.segments.privacy.PseudonymKey;
import com.customervalue.segments.serve.ServingSettings;
import java.util.Optional;

/**
 * Everything a segmentation run needs, validated; {@code configDigest} identifies the effective
 * configuration in the run record. {@code pseudonymKey} is present when customer ids are to be
 * published pseudonymized.
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
    Optional<PseudonymKey> pseudonymKey,
    String configDigest) {}
