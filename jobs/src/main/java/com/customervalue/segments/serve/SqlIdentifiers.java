package com.customervalue.segments.serve;

import java.util.regex.Pattern;

/**
 * Identifiers that go into SQL text (schema, table and column names) are checked against a strict
 * pattern and then double-quoted: nothing from configuration or data is concatenated into a
 * statement unchecked.
 */
public final class SqlIdentifiers {
  private static final Pattern SAFE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private SqlIdentifiers() {}

  public static boolean isSafe(String identifier) {
    return identifier != null && SAFE.matcher(identifier).matches();
  }

  /** The identifier, double-quoted; throws if it is not a plain lower-case name. */
  public static String quoted(String identifier) {
    if (!isSafe(identifier)) {
      throw new IllegalArgumentException(
          "'"
              + identifier
              + "' is not a safe SQL identifier: use lower-case "
              + "letters, digits and _, starting with a letter or _, at most 63 characters");
    }
    return "\"" + identifier + "\"";
  }
}
