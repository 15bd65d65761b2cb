package com.customervalue.segments.serve;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.sql.Row;

/**
 * Writes one Spark partition into a staging table, idempotently: in one transaction it locks its
 * partition number, deletes what an earlier attempt of the same partition wrote, and inserts its
 * rows. A retried or speculative task therefore replaces its own rows instead of adding them twice.
 */
final class PartitionWriter implements ForeachPartitionFunction<Row> {
  private static final long serialVersionUID = 1L;

  private final String url;
  private final JdbcCredentials credentials;
  private final String stagingTable;
  private final List<String> columns;
  private final boolean[] json;
  private final int batchSize;
  private final int lockSpace;

  PartitionWriter(
      String url,
      JdbcCredentials credentials,
      String stagingTable,
      List<String> columns,
      boolean[] json,
      int batchSize) {
    this.url = url;
    this.credentials = credentials;
    this.stagingTable = stagingTable;
    this.columns = List.copyOf(columns);
    this.json = json.clone();
    this.batchSize = batchSize;
    this.lockSpace = stagingTable.hashCode();
  }

  @Override
  public void call(Iterator<Row> rows) throws SQLException {
    int partition = TaskContext.get() == null ? 0 : TaskContext.getPartitionId();
    StringBuilder insert = new StringBuilder("INSERT INTO ").append(stagingTable).append(" (");
    StringBuilder values = new StringBuilder(") VALUES (");
    for (int i = 0; i < columns.size(); i++) {
      insert.append(SqlIdentifiers.quoted(columns.get(i))).append(", ");
      values.append(json[i] ? "CAST(? AS jsonb), " : "?, ");
    }
    String statement =
        insert.append(PostgresServingCopy.PARTITION_COLUMN).append(values).append("?)").toString();
    try (Connection connection = PostgresServingCopy.connect(url, credentials)) {
      connection.setAutoCommit(false);
      try (PreparedStatement lock =
          connection.prepareStatement("SELECT pg_advisory_xact_lock(?, ?)")) {
        lock.setInt(1, lockSpace);
        lock.setInt(2, partition);
        lock.execute();
      }
      try (PreparedStatement delete =
          connection.prepareStatement(
              "DELETE FROM "
                  + stagingTable
                  + " WHERE "
                  + PostgresServingCopy.PARTITION_COLUMN
                  + " = ?")) {
        delete.setInt(1, partition);
        delete.executeUpdate();
      }
      try (PreparedStatement insertRows = connection.prepareStatement(statement)) {
        int pending = 0;
        while (rows.hasNext()) {
          Row row = rows.next();
          for (int i = 0; i < columns.size(); i++) {
            bind(insertRows, i + 1, row.get(i));
          }
          insertRows.setInt(columns.size() + 1, partition);
          insertRows.addBatch();
          if (++pending == batchSize) {
            insertRows.executeBatch();
            pending = 0;
          }
        }
        if (pending > 0) {
          insertRows.executeBatch();
        }
      }
      connection.commit();
    }
  }

  private static void bind(PreparedStatement statement, int index, Object value)
      throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.OTHER);
    } else if (value instanceof Timestamp timestamp) {
      statement.setObject(index, timestamp.toInstant().atOffset(ZoneOffset.UTC));
    } else if (value instanceof BigDecimal
        || value instanceof String
        || value instanceof Number
        || value instanceof java.sql.Date
        || value instanceof Boolean) {
      statement.setObject(index, value);
    } else {
      statement.setObject(index, value.toString());
    }
  }
}
