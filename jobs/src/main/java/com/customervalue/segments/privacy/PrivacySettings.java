package com.customervalue.segments.privacy;

import com.customervalue.segments.config.InvalidSettingsException;
import com.customervalue.segments.config.Section;
import com.typesafe.config.Config;
import java.util.Map;
import java.util.Optional;

/**
 * Whether customer ids are published as pseudonyms ({@code segments.privacy}), and the secret key
 * they are made with, which only the environment holds.
 */
public record PrivacySettings(Optional<PseudonymKey> pseudonymKey) {

  /** Reads the section; the key comes from {@code environment}. */
  public static PrivacySettings from(Config config, Map<String, String> environment) {
    Section privacy = Section.of(config, "segments.privacy");
    String key = privacy.key("pseudonymize-customer-ids");
    if (!privacy.isTrue("pseudonymize-customer-ids")) {
      return new PrivacySettings(Optional.empty());
    }
    PseudonymKey secret =
        PseudonymKey.fromEnvironment(environment)
            .orElseThrow(
                () ->
                    new InvalidSettingsException(
                        "Invalid setting "
                            + key
                            + ": pseudonymizing needs a secret key in the environment variable "
                            + PseudonymKey.VARIABLE
                            + "."));
    if (secret.bytes().length < PseudonymKey.MINIMUM_LENGTH) {
      throw new InvalidSettingsException(
          "Invalid setting "
              + key
              + ": the key in "
              + PseudonymKey.VARIABLE
              + " must be at least "
              + PseudonymKey.MINIMUM_LENGTH
              + " bytes long.");
    }
    return new PrivacySettings(Optional.of(secret));
  }
}
