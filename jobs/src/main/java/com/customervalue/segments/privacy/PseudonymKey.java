package com.customervalue.segments.privacy;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * The secret key customer ids are pseudonymized with, from SEGMENTS_PSEUDONYM_KEY; its string form
 * hides it.
 */
public record PseudonymKey(byte[] bytes) implements Serializable {
  public static final String VARIABLE = "SEGMENTS_PSEUDONYM_KEY";

  /** Shorter keys make the pseudonyms guessable by trying keys. */
  public static final int MINIMUM_LENGTH = 16;

  public static Optional<PseudonymKey> fromEnvironment(Map<String, String> environment) {
    String key = environment.get(VARIABLE);
    return key == null || key.isEmpty()
        ? Optional.empty()
        : Optional.of(new PseudonymKey(key.getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public String toString() {
    return "PseudonymKey[***]";
  }
}
