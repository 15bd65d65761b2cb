package com.customervalue.segments.job;

import com.customervalue.segments.classify.ClassificationSettings;
import com.customervalue.segments.clv.ClvSettings;
import com.customervalue.segments.config.KnownSettings;
import com.customervalue.segments.ingest.BreakdownSettings;
import com.customervalue.segments.ingest.InputSettings;
import com.customervalue.segments.ingest.QualitySettings;
import com.customervalue.segments.ingest.SnapshotSettings;
import com.customervalue.segments.privacy.PrivacySettings;
import com.customervalue.segments.publish.OutputSettings;
import com.customervalue.segments.score.ScoringSettings;
import com.customervalue.segments.serve.ServingSettings;
import com.customervalue.segments.tier.TierSettings;
import com.typesafe.config.Config;
import java.util.Map;

/**
 * Everything a segmentation run needs, read once at start by the package that owns each section and
 * validated before Spark starts; {@code configDigest} identifies the effective configuration in the
 * run record.
 */
public record JobSettings(
    InputSettings input,
    SnapshotSettings snapshot,
    QualitySettings quality,
    BreakdownSettings breakdowns,
    OutputSettings output,
    ScoringSettings scoring,
    TierSettings tiers,
    ClvSettings clv,
    ClassificationSettings classification,
    ServingSettings serving,
    PrivacySettings privacy,
    String configDigest) {

  /** Reads every section, with credentials and keys from the process environment. */
  public static JobSettings load(Config config) {
    return load(config, System.getenv());
  }

  /**
   * Checks the keys against {@code reference.conf}, then reads every section in the order of the
   * data flow; the first problem found is thrown as an {@link
   * com.customervalue.segments.config.InvalidSettingsException}.
   */
  public static JobSettings load(Config config, Map<String, String> environment) {
    KnownSettings.check(config);
    InputSettings input = InputSettings.from(config);
    SnapshotSettings snapshot = SnapshotSettings.from(config);
    QualitySettings quality = QualitySettings.from(config);
    BreakdownSettings breakdowns = BreakdownSettings.from(config);
    OutputSettings output = OutputSettings.from(config, environment);
    ScoringSettings scoring = ScoringSettings.from(config);
    TierSettings tiers = TierSettings.from(config);
    ClvSettings clv = ClvSettings.from(config);
    ClassificationSettings classification = ClassificationSettings.from(config, tiers.labels());
    ServingSettings serving = ServingSettings.from(config, environment);
    PrivacySettings privacy = PrivacySettings.from(config, environment);
    return new JobSettings(
        input,
        snapshot,
        quality,
        breakdowns,
        output,
        scoring,
        tiers,
        clv,
        classification,
        serving,
        privacy,
        KnownSettings.digest(config));
  }
}
