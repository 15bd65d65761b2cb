package com.customervalue.segments.serve;

import com.customervalue.segments.config.InvalidSettingsException;
import com.customervalue.segments.config.Section;
import com.typesafe.config.Config;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where the PostgreSQL serving copy goes, if anywhere ({@code segments.serving}); credentials are
 * kept apart from the URL, in the environment.
 */
public record ServingSettings(
    Optional<String> jdbcUrl, String schema, int batchSize, Optional<JdbcCredentials> credentials) {

  /** Reads the section; the credentials come from {@code environment}. */
  public static ServingSettings from(Config config, Map<String, String> environment) {
    Section serving = Section.of(config, "segments.serving");
    String urlKey = serving.key("jdbc-url");
    String url = serving.string("jdbc-url").trim();
    String schema = serving.string("schema").trim();
    if (!SqlIdentifiers.isSafe(schema)) {
      throw serving.invalid(
          "schema", "must be lower-case letters, digits and _ (at most 63), got '" + schema + "'");
    }
    int batchSize = serving.integer("batch-size");
    if (batchSize < 1) {
      throw serving.invalid("batch-size", "must be at least 1");
    }
    Optional<JdbcCredentials> credentials = JdbcCredentials.fromEnvironment(environment);
    if (url.isEmpty()) {
      return new ServingSettings(Optional.empty(), schema, batchSize, credentials);
    }
    if (!url.startsWith("jdbc:postgresql://")) {
      throw serving.invalid(
          "jdbc-url", "must be a PostgreSQL JDBC URL, jdbc:postgresql://host:port/database");
    }
    String lower = url.toLowerCase(Locale.ROOT);
    if (lower.contains("password") || lower.contains("user=") || url.contains("@")) {
      throw new InvalidSettingsException(
          "Invalid setting "
              + urlKey
              + ": the URL must not carry credentials; set "
              + JdbcCredentials.USER_VARIABLE
              + " and "
              + JdbcCredentials.PASSWORD_VARIABLE
              + " in the environment instead.");
    }
    if (credentials.isEmpty()) {
      throw new InvalidSettingsException(
          "Invalid setting "
              + urlKey
              + ": a serving copy needs the database user in "
              + JdbcCredentials.USER_VARIABLE
              + " (and the password in "
              + JdbcCredentials.PASSWORD_VARIABLE
              + ").");
    }
    return new ServingSettings(Optional.of(url), schema, batchSize, credentials);
  }
}
