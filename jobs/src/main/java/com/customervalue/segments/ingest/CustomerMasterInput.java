package com.customervalue.segments.ingest;

import static com.customervalue.segments.ingest.Transactions.CUSTOMER_ID;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.trim;

import com.customervalue.segments.catalog.Catalog;
import com.customervalue.segments.pipeline.CheckResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The optional customer master as the job takes it in: keyed by {@code customer_id} as a trimmed
 * string, and checked to have exactly one row per customer and no column that would collide with a
 * published one.
 */
public final class CustomerMasterInput {
  private CustomerMasterInput() {}

  /** The master with its id column renamed to {@code customer_id} as a trimmed string. */
  public static Dataset<Row> keyed(Dataset<Row> master, String idColumn) {
    List<Column> columns = new ArrayList<>();
    columns.add(trim(ref(idColumn).cast(DataTypes.StringType)).as(CUSTOMER_ID));
    Arrays.stream(master.columns())
        .filter(name -> !name.equals(idColumn))
        .map(CustomerMasterInput::ref)
        .forEach(columns::add);
    return master.select(columns.toArray(Column[]::new));
  }

  /**
   * Ids that occur more than once, or are null or blank, with how often: each would be ambiguous.
   */
  public static Dataset<Row> ambiguousIds(Dataset<Row> keyedMaster) {
    return keyedMaster
        .groupBy(col(CUSTOMER_ID))
        .agg(count(lit(1)).as("occurrences"))
        .filter(
            col("occurrences")
                .gt(1)
                .or(col(CUSTOMER_ID).isNull())
                .or(col(CUSTOMER_ID).equalTo("")));
  }

  /** The master at {@code path} has the id column and no column named like a published one. */
  public static CheckResult checkColumns(Dataset<Row> master, String idColumn, String path) {
    List<String> columns = Arrays.asList(master.columns());
    if (!columns.contains(idColumn)) {
      return CheckResult.failed(
          "The customer master "
              + path
              + " has no column '"
              + idColumn
              + "' (segments.customers.customer-id-column). Columns there: "
              + String.join(", ", columns)
              + ".");
    }
    List<String> published = Catalog.CUSTOMER_SEGMENTS.columns();
    List<String> clashes =
        columns.stream()
            .filter(name -> !name.equals(idColumn) && published.contains(name))
            .toList();
    if (!clashes.isEmpty()) {
      return CheckResult.failed(
          "The customer master "
              + path
              + " has columns named like columns of customer_segments: "
              + String.join(", ", clashes)
              + ". Rename them so that the published table stays unambiguous.");
    }
    return CheckResult.passed();
  }

  /** Every customer of the keyed master appears once, with an id that is neither null nor blank. */
  public static CheckResult checkIds(Dataset<Row> keyedMaster, String idColumn, String path) {
    List<Row> ambiguous = ambiguousIds(keyedMaster).limit(5).collectAsList();
    if (ambiguous.isEmpty()) {
      return CheckResult.passed();
    }
    return CheckResult.failed(
        "The customer master "
            + path
            + " has duplicate, null or blank ids in '"
            + idColumn
            + "', e.g. "
            + ambiguous.stream()
                .map(row -> "'" + row.getString(0) + "' (" + row.getLong(1) + " rows)")
                .collect(Collectors.joining(", "))
            + ". Each customer must appear once.");
  }

  private static Column ref(String name) {
    return col("`" + name.replace("`", "``") + "`");
  }
}
