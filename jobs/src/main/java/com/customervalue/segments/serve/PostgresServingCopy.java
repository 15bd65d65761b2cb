package com.customervalue.segments.serve;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.to_json;

import com.customervalue.segments.catalog.TableSpec;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a run's tables into PostgreSQL for BI tools. Each table is created once with SQL types, a
 * primary key and the indexes dashboards filter by, and holds every snapshot. A run first fills one
 * staging table per table from the Spark tasks (idempotently, see {@link PartitionWriter}), then
 * swaps all of them in with a single transaction: a dashboard sees the old snapshot or the new one,
 * never a mix, and a run of the same snapshot replaces it instead of adding to it.
 */
public final class PostgresServingCopy {
  static final String PARTITION_COLUMN = "spark_partition";
  static final String SNAPSHOT_COLUMN = "snapshot_date";
  private static final Logger LOG = LoggerFactory.getLogger(PostgresServingCopy.class);

  /**
   * One table to copy: its declaration in the catalog (name, primary key, indexes, whether a run
   * replaces its snapshot or appends to the run log) and this snapshot's rows, without
   * snapshot_date.
   */
  public record ServedTable(TableSpec table, Dataset<Row> rows) {
    String name() {
      return table.name();
    }

    List<String> primaryKey() {
      return table.servingPrimaryKey();
    }

    List<List<String>> indexes() {
      return table.servingIndexes();
    }

    boolean replacesSnapshot() {
      return table.kind() == TableSpec.Kind.SNAPSHOT;
    }
  }

  private final String url;
  private final JdbcCredentials credentials;
  private final String schema;
  private final int batchSize;
  private final String runId;
  private final ServingTables servingTables;

  public PostgresServingCopy(ServingSettings settings, String runId) {
    this.url =
        settings
            .jdbcUrl()
            .orElseThrow(() -> new IllegalArgumentException("No serving copy configured"));
    this.credentials =
        settings.credentials().orElseThrow(() -> new IllegalArgumentException("No credentials"));
    this.schema = settings.schema();
    this.batchSize = settings.batchSize();
    this.runId = runId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
    this.servingTables = new ServingTables(schema, this.runId);
  }

  /**
   * Copies the tables as {@code snapshot}; with {@code keepSnapshots} above 0, older snapshots are
   * pruned in the same swap.
   */
  public void publish(List<ServedTable> tables, LocalDate snapshot, int keepSnapshots) {
    List<String> stagingTables = new ArrayList<>();
    try (Connection connection = connect(url, credentials)) {
      connection.setAutoCommit(true);
      servingTables.createSchema(connection);
      List<Dataset<Row>> rows = new ArrayList<>();
      for (ServedTable table : tables) {
        Dataset<Row> data = jsonForNested(table.rows());
        rows.add(data);
        servingTables.prepare(connection, table);
        String staging = servingTables.staging(table);
        stagingTables.add(staging);
        servingTables.createStaging(connection, staging, table.rows());
      }
      for (int i = 0; i < tables.size(); i++) {
        Dataset<Row> data = rows.get(i);
        boolean[] json = new boolean[data.schema().fields().length];
        for (int c = 0; c < json.length; c++) {
          json[c] = PostgresTypes.isJson(tables.get(i).rows().schema().fields()[c].dataType());
        }
        data.sparkSession()
            .sparkContext()
            .setJobDescription("serve: copying " + tables.get(i).name() + " to PostgreSQL");
        data.foreachPartition(
            new PartitionWriter(
                url, credentials, stagingTables.get(i), List.of(data.columns()), json, batchSize));
      }
      swap(connection, tables, rows, stagingTables, snapshot, keepSnapshots);
      LOG.info(
          "Copied {} tables of snapshot {} to PostgreSQL schema {}",
          tables.size(),
          snapshot,
          schema);
    } catch (SQLException e) {
      throw new ServingCopyException(
          "The PostgreSQL copy to " + url + " (schema " + schema + ") failed: " + e.getMessage(),
          e);
    } finally {
      dropQuietly(stagingTables);
    }
  }

  /** Every table's snapshot goes in, and old ones out, in one transaction. */
  private void swap(
      Connection connection,
      List<ServedTable> tables,
      List<Dataset<Row>> rows,
      List<String> stagingTables,
      LocalDate snapshot,
      int keepSnapshots)
      throws SQLException {
    connection.setAutoCommit(false);
    try {
      for (int i = 0; i < tables.size(); i++) {
        ServedTable table = tables.get(i);
        String target = servingTables.qualified(table.name());
        if (table.replacesSnapshot()) {
          try (PreparedStatement delete =
              connection.prepareStatement(
                  "DELETE FROM " + target + " WHERE " + SNAPSHOT_COLUMN + " = ?")) {
            delete.setDate(1, Date.valueOf(snapshot));
            delete.executeUpdate();
          }
        }
        String columns = ServingTables.columnList(rows.get(i));
        try (PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO "
                    + target
                    + " ("
                    + SNAPSHOT_COLUMN
                    + ", "
                    + columns
                    + ") SELECT ?, "
                    + columns
                    + " FROM "
                    + stagingTables.get(i))) {
          insert.setDate(1, Date.valueOf(snapshot));
          insert.executeUpdate();
        }
        if (keepSnapshots > 0 && table.replacesSnapshot()) {
          try (PreparedStatement prune =
              connection.prepareStatement(
                  "DELETE FROM "
                      + target
                      + " WHERE "
                      + SNAPSHOT_COLUMN
                      + " NOT IN (SELECT DISTINCT "
                      + SNAPSHOT_COLUMN
                      + " FROM "
                      + target
                      + " ORDER BY "
                      + SNAPSHOT_COLUMN
                      + " DESC LIMIT ?)")) {
            prune.setInt(1, keepSnapshots);
            prune.executeUpdate();
          }
        }
      }
      connection.commit();
    } catch (SQLException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(true);
    }
  }

  /** Nested values (the run log's maps) travel as JSON text and become jsonb. */
  private static Dataset<Row> jsonForNested(Dataset<Row> rows) {
    List<Column> columns = new ArrayList<>();
    for (StructField field : rows.schema().fields()) {
      Column column = col("`" + field.name() + "`");
      columns.add(
          PostgresTypes.isJson(field.dataType()) ? to_json(column).as(field.name()) : column);
    }
    return rows.select(columns.toArray(Column[]::new));
  }

  private void dropQuietly(List<String> stagingTables) {
    if (stagingTables.isEmpty()) {
      return;
    }
    try (Connection connection = connect(url, credentials)) {
      for (String staging : stagingTables) {
        ServingTables.execute(connection, "DROP TABLE IF EXISTS " + staging);
      }
    } catch (SQLException e) {
      LOG.warn("Could not drop the staging tables of run {}: {}", runId, e.getMessage());
    }
  }

  /**
   * Opens a connection with the driver directly, so no DriverManager class-loader lookup is needed
   * on executors.
   */
  static Connection connect(String url, JdbcCredentials credentials) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", credentials.user());
    properties.setProperty("password", credentials.password());
    properties.setProperty("reWriteBatchedInserts", "true");
    Connection connection = new org.postgresql.Driver().connect(url, properties);
    if (connection == null) {
      throw new SQLException("Not a PostgreSQL JDBC URL: " + url);
    }
    return connection;
  }
}
