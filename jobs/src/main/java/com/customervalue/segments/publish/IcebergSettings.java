package com.customervalue.segments.publish;

import com.customervalue.segments.config.Section;
import com.typesafe.config.Config;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The Iceberg catalog the tables go to with {@code segments.output.format = iceberg} ({@code
 * segments.output.iceberg}): its type, warehouse, URI and namespace; the JDBC catalog's user and
 * password come from the environment. Its string form never shows the password.
 *
 * @param catalogType hadoop, jdbc or rest
 * @param warehouse where the tables' data and metadata files go
 * @param uri the JDBC URL or REST endpoint of the catalog; empty for hadoop
 * @param namespace the namespace (database) of the tables
 * @param user the JDBC catalog's database user, from SEGMENTS_CATALOG_USER
 * @param password its password, from SEGMENTS_CATALOG_PASSWORD
 */
public record IcebergSettings(
    String catalogType,
    String warehouse,
    Optional<String> uri,
    String namespace,
    Optional<String> user,
    Optional<String> password) {

  public static final String USER_VARIABLE = "SEGMENTS_CATALOG_USER";
  public static final String PASSWORD_VARIABLE = "SEGMENTS_CATALOG_PASSWORD";

  /** Reads the section; an empty warehouse is {@code <root>/warehouse}. */
  public static IcebergSettings from(Config config, String root, Map<String, String> environment) {
    Section iceberg = Section.of(config, "segments.output.iceberg");
    String type = iceberg.string("catalog-type").trim().toLowerCase(Locale.ROOT);
    if (!type.equals("hadoop") && !type.equals("jdbc") && !type.equals("rest")) {
      throw iceberg.invalid("catalog-type", "must be hadoop, jdbc or rest");
    }
    String warehouse =
        iceberg
            .optionalString("warehouse")
            .orElse(root.endsWith("/") ? root + "warehouse" : root + "/warehouse");
    Optional<String> uri = iceberg.optionalString("uri");
    String namespace = iceberg.string("namespace").trim();
    if (!namespace.matches("[a-z_][a-z0-9_]{0,62}")) {
      throw iceberg.invalid(
          "namespace", "must be lower-case letters, digits and _ (at most 63), got " + namespace);
    }
    if (type.equals("hadoop") && OutputSettings.isObjectStore(warehouse)) {
      throw iceberg.invalid(
          "catalog-type",
          "the hadoop catalog commits by renaming files, which is not atomic on an object store"
              + " such as "
              + warehouse
              + "; use a jdbc or rest catalog there");
    }
    if (!type.equals("hadoop") && uri.isEmpty()) {
      throw iceberg.invalid("uri", "a " + type + " catalog needs its URI");
    }
    if (uri.isPresent() && type.equals("jdbc")) {
      String lower = uri.get().toLowerCase(Locale.ROOT);
      if (lower.contains("password") || lower.contains("user=")) {
        throw iceberg.invalid(
            "uri",
            "must not carry credentials; set "
                + USER_VARIABLE
                + " and "
                + PASSWORD_VARIABLE
                + " in the environment instead");
      }
    }
    return new IcebergSettings(
        type,
        warehouse,
        uri,
        namespace,
        Optional.ofNullable(environment.get(USER_VARIABLE)).filter(user -> !user.isBlank()),
        Optional.ofNullable(environment.get(PASSWORD_VARIABLE)));
  }

  @Override
  public String toString() {
    return "IcebergSettings[catalogType="
        + catalogType
        + ", warehouse="
        + warehouse
        + ", uri="
        + uri.orElse("")
        + ", namespace="
        + namespace
        + ", user="
        + user.orElse("")
        + ", password=***]";
  }
}
