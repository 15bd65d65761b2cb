package com.customervalue.segments.metrics;

import static com.customervalue.segments.metrics.CustomerMetrics.CUSTOMER_ID;
import static com.customervalue.segments.metrics.CustomerMetrics.FREQUENCY;
import static com.customervalue.segments.metrics.CustomerMetrics.GROSS_REVENUE;
import static com.customervalue.segments.metrics.CustomerMetrics.MONETARY;
import static com.customervalue.segments.metrics.CustomerMetrics.MONEY_TYPE;
import static com.customervalue.segments.metrics.CustomerMetrics.RETURNS_AMOUNT;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.trim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Joins the optional customer master to the per-customer metrics: known customers without purchases
 * are kept (frequency 0, no money), and the master's other columns ride along as attributes that
 * every table can be broken down by.
 */
public final class CustomerMaster {
  private CustomerMaster() {}

  /** The master with its id column renamed to {@code customer_id} as a trimmed string. */
  public static Dataset<Row> keyed(Dataset<Row> master, String idColumn) {
    List<Column> columns = new ArrayList<>();
    columns.add(trim(ref(idColumn).cast(DataTypes.StringType)).as(CUSTOMER_ID));
    Arrays.stream(master.columns())
        .filter(name -> !name.equals(idColumn))
        .map(CustomerMaster::ref)
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

  /**
   * Every customer of either side: metrics customers missing from the master get null attributes,
   * master customers without transactions get zero frequency and money.
   */
  public static Dataset<Row> attach(Dataset<Row> metrics, Dataset<Row> keyedMaster) {
    Column zero = lit(0).cast(MONEY_TYPE);
    List<Column> columns = new ArrayList<>();
    for (String name : metrics.columns()) {
      columns.add(
          switch (name) {
            case FREQUENCY -> coalesce(col(name), lit(0)).as(name);
            case MONETARY, GROSS_REVENUE, RETURNS_AMOUNT -> coalesce(col(name), zero).as(name);
            default -> col(name);
          });
    }
    Arrays.stream(keyedMaster.columns())
        .filter(name -> !name.equals(CUSTOMER_ID))
        .map(CustomerMaster::ref)
        .forEach(columns::add);
    // A using-join keeps one customer_id, taken from whichever side has it.
    return metrics
        .join(keyedMaster, CUSTOMER_ID, "full_outer")
        .select(columns.toArray(Column[]::new));
  }

  private static Column ref(String name) {
    return col("`" + name.replace("`", "``") + "`");
  }
}
