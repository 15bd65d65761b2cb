package com.customervalue.segments.serve;

import java.util.Optional;

/** Where the PostgreSQL serving copy goes, if anywhere; credentials are kept apart from the URL. */
public record ServingSettings(
    Optional<String> jdbcUrl,
    String schema,
    int batchSize,
    Optional<JdbcCredentials> credentials) {}
