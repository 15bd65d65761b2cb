package com.customervalue.segments.metrics;

import static com.customervalue.segments.metrics.CustomerMetrics.AMOUNT_LEVEL_REVENUE;
import static com.customervalue.segments.metrics.CustomerMetrics.CUSTOMER_ID;
import static com.customervalue.segments.metrics.CustomerMetrics.FREQUENCY;
import static com.customervalue.segments.metrics.CustomerMetrics.GROSS_REVENUE;
import static com.customervalue.segments.metrics.CustomerMetrics.MONETARY;
import static com.customervalue.segments.metrics.CustomerMetrics.MONEY_TYPE;
import static com.customervalue.segments.metrics.CustomerMetrics.RETURNS_AMOUNT;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Joins the optional customer master (keyed by {@link
 * com.customervalue.segments.ingest.CustomerMasterInput}) to the per-customer metrics: known
 * customers without purchases are kept (frequency 0, no money), and the master's other columns ride
 * along as attributes that every table can be broken down by.
 */
public final class CustomerMaster {
  private CustomerMaster() {}

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
            case MONETARY, GROSS_REVENUE, RETURNS_AMOUNT, AMOUNT_LEVEL_REVENUE ->
                coalesce(col(name), zero).as(name);
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
