package com.customervalue.segments.publish;

import com.customervalue.segments.config.Section;
import com.typesafe.config.Config;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where the published tables go ({@code <root>/<table>/snapshot_date=YYYY-MM-DD/}, or Iceberg
 * tables in a catalog), in which format, how many snapshots each keeps (0: all) and whether the run
 * writes its HTML report beside them ({@code segments.output}).
 */
public record OutputSettings(
    String root, int keepSnapshots, boolean report, Format format, IcebergSettings iceberg) {

  /** URI schemes of object stores, where a directory rename is a copy and a delete. */
  static final Set<String> OBJECT_STORE_SCHEMES =
      Set.of("s3", "s3a", "s3n", "gs", "abfs", "abfss", "wasb", "wasbs", "oss", "cos", "cosn");

  /** How the tables are stored. */
  public enum Format {
    /** Parquet directories per snapshot, published by renames: a local disk or HDFS. */
    PARQUET,
    /** An Apache Iceberg table per catalog table, one commit per table and run. */
    ICEBERG
  }

  /** Reads the section; the Iceberg JDBC catalog's user and password come from the environment. */
  public static OutputSettings from(Config config, Map<String, String> environment) {
    Section output = Section.of(config, "segments.output");
    int keep = output.integer("keep-snapshots");
    if (keep < 0) {
      throw output.invalid("keep-snapshots", "must be 0 (keep all) or a positive number");
    }
    String root = output.requiredString("root", "--output");
    Format format =
        switch (output.string("format").trim().toLowerCase(Locale.ROOT)) {
          case "parquet" -> Format.PARQUET;
          case "iceberg" -> Format.ICEBERG;
          default -> throw output.invalid("format", "must be parquet or iceberg");
        };
    if (format == Format.PARQUET && isObjectStore(root)) {
      throw output.invalid(
          "format",
          "parquet publishes snapshots by renaming directories, which is atomic on a local disk"
              + " and HDFS but a copy and a delete on an object store such as "
              + root
              + ", where readers could see half a snapshot; set segments.output.format = iceberg"
              + " (with a jdbc or rest catalog) to publish there");
    }
    return new OutputSettings(
        root,
        keep,
        output.isTrue("report"),
        format,
        IcebergSettings.from(config, root, environment));
  }

  /** Whether {@code path} is on an object store (by its URI scheme). */
  public static boolean isObjectStore(String path) {
    int colon = path.indexOf(':');
    return colon > 0
        && OBJECT_STORE_SCHEMES.contains(path.substring(0, colon).toLowerCase(Locale.ROOT));
  }
}
