package com.customervalue.segments.serve;

import java.io.Serializable;
import java.util.Map;
import java.util.Optional;

/**
 * The database user and password of the serving copy, taken from the environment
 * (SEGMENTS_JDBC_USER, SEGMENTS_JDBC_PASSWORD). Its string form never shows the password.
 */
public record JdbcCredentials(String user, String password) implements Serializable {
  public static final String USER_VARIABLE = "SEGMENTS_JDBC_USER";
  public static final String PASSWORD_VARIABLE = "SEGMENTS_JDBC_PASSWORD";

  public static Optional<JdbcCredentials> fromEnvironment(Map<String, String> environment) {
    String user = environment.get(USER_VARIABLE);
    return user == null || user.isBlank()
        ? Optional.empty()
        : Optional.of(new JdbcCredentials(user, environment.getOrDefault(PASSWORD_VARIABLE, "")));
  }

  @Override
  public String toString() {
    return "JdbcCredentials[user=" + user + ", password=***]";
  }
}
