package com.customervalue.segments.ingest;

import static com.customervalue.segments.ingest.Transactions.ATTRIBUTES;
import static com.customervalue.segments.ingest.Transactions.CUSTOMER_ID;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.negate;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.trim;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One value per customer for each transaction attribute a breakdown names: the value on most of the
 * customer's rows, ties to the smallest value (in the column's own order, so 9 before 10). Null and
 * blank values are ignored; a customer with no other value has no row.
 */
public final class TransactionAttributes {
  /** Columns of the result: customer id, attribute (column name), its value as text. */
  public static final String ATTRIBUTE = "attribute";

  public static final String ATTRIBUTE_VALUE = "attribute_value";

  public static final StructType SCHEMA =
      new StructType()
          .add(CUSTOMER_ID, DataTypes.StringType)
          .add(ATTRIBUTE, DataTypes.StringType, false)
          .add(ATTRIBUTE_VALUE, DataTypes.StringType);

  private static final String VALUE = "value";
  private static final String ROWS = "rows";
  private static final String MODE = "mode";

  private TransactionAttributes() {}

  /**
   * {@code rows} holds {@code customer_id} and the struct {@link Transactions#ATTRIBUTES} with the
   * carried columns; the result has one row per customer and attribute of {@code attributes} that
   * the customer has a value of.
   */
  public static Dataset<Row> modalValues(Dataset<Row> rows, List<String> attributes) {
    Dataset<Row> all = rows.sparkSession().createDataFrame(List.of(), SCHEMA);
    for (String attribute : attributes) {
      Column value = col(ATTRIBUTES).getField(attribute);
      Dataset<Row> counted =
          rows.select(col(CUSTOMER_ID), value.as(VALUE))
              .filter(col(VALUE).isNotNull())
              .filter(trim(col(VALUE).cast(DataTypes.StringType)).notEqual(""))
              .groupBy(col(CUSTOMER_ID), col(VALUE))
              .agg(count(lit(1)).as(ROWS));
      // The smallest (-rows, value): the most rows first, then the smallest value.
      Dataset<Row> modal =
          counted
              .groupBy(col(CUSTOMER_ID))
              .agg(min(struct(negate(col(ROWS)).as(ROWS), col(VALUE).as(VALUE))).as(MODE))
              .select(
                  col(CUSTOMER_ID),
                  lit(attribute).as(ATTRIBUTE),
                  col(MODE).getField(VALUE).cast(DataTypes.StringType).as(ATTRIBUTE_VALUE));
      all = all.unionByName(modal);
    }
    return all;
  }
}
