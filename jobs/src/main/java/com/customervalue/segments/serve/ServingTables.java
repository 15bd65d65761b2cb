package com.customervalue.segments.serve;

import static com.customervalue.segments.serve.PostgresServingCopy.PARTITION_COLUMN;
import static com.customervalue.segments.serve.PostgresServingCopy.SNAPSHOT_COLUMN;
import static com.customervalue.segments.serve.SqlIdentifiers.quoted;

import com.customervalue.segments.serve.PostgresServingCopy.ServedTable;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;

/**
 * The tables of {@link PostgresServingCopy} in its serving schema: their names, and the DDL that
 * creates them, keeps older ones up to date with new columns and sets up a run's staging tables.
 */
final class ServingTables {
  private final String schema;
  private final String runId;

  ServingTables(String schema, String runId) {
    this.schema = schema;
    this.runId = runId;
  }

  void createSchema(Connection connection) throws SQLException {
    execute(connection, "CREATE SCHEMA IF NOT EXISTS " + quoted(schema));
  }

  /**
   * Creates the table on first use; later runs add columns it lacks (e.g. new customer master
   * attributes).
   */
  void prepare(Connection connection, ServedTable table) throws SQLException {
    String target = qualified(table.name());
    String key =
        table.primaryKey().isEmpty()
            ? ""
            : ", PRIMARY KEY ("
                + table.primaryKey().stream()
                    .map(SqlIdentifiers::quoted)
                    .collect(Collectors.joining(", "))
                + ")";
    execute(
        connection,
        "CREATE TABLE IF NOT EXISTS "
            + target
            + " ("
            + SNAPSHOT_COLUMN
            + " date NOT NULL, "
            + columnDefinitions(table.rows())
            + key
            + ")");
    for (StructField field : table.rows().schema().fields()) {
      execute(
          connection,
          "ALTER TABLE "
              + target
              + " ADD COLUMN IF NOT EXISTS "
              + quoted(field.name())
              + " "
              + PostgresTypes.sqlType(field.dataType()));
    }
    for (List<String> index : table.indexes()) {
      String name = quoted(table.name() + "_" + String.join("_", index) + "_idx");
      execute(
          connection,
          "CREATE INDEX IF NOT EXISTS "
              + name
              + " ON "
              + target
              + " ("
              + index.stream().map(SqlIdentifiers::quoted).collect(Collectors.joining(", "))
              + ")");
    }
  }

  /** An earlier attempt of the same run may have left the staging table behind. */
  void createStaging(Connection connection, String staging, Dataset<Row> rows) throws SQLException {
    execute(connection, "DROP TABLE IF EXISTS " + staging);
    execute(
        connection,
        "CREATE UNLOGGED TABLE "
            + staging
            + " ("
            + columnDefinitions(rows)
            + ", "
            + PARTITION_COLUMN
            + " integer NOT NULL)");
  }

  private static String columnDefinitions(Dataset<Row> rows) {
    return Arrays.stream(rows.schema().fields())
        .map(field -> quoted(field.name()) + " " + PostgresTypes.sqlType(field.dataType()))
        .collect(Collectors.joining(", "));
  }

  static String columnList(Dataset<Row> rows) {
    return Arrays.stream(rows.columns())
        .map(SqlIdentifiers::quoted)
        .collect(Collectors.joining(", "));
  }

  /**
   * A staging table per table and run, in the serving schema; names are cut to PostgreSQL's 63
   * characters.
   */
  String staging(ServedTable table) {
    String name = "_staging_" + table.name() + "_" + runId;
    return qualified(name.length() > 63 ? name.substring(0, 63) : name);
  }

  String qualified(String table) {
    return quoted(schema) + "." + quoted(table);
  }

  static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
