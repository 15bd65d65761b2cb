package com.customervalue.segments.distribute;

import static com.customervalue.segments.classify.Classifications.LIFECYCLE_STATUS;
import static com.customervalue.segments.ingest.TransactionAttributes.ATTRIBUTE;
import static com.customervalue.segments.ingest.TransactionAttributes.ATTRIBUTE_VALUE;
import static com.customervalue.segments.metrics.CustomerMetrics.CUSTOMER_ID;
import static com.customervalue.segments.metrics.CustomerMetrics.MONETARY;
import static com.customervalue.segments.tier.ValueTiers.VALUE_TIER;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import com.customervalue.segments.catalog.Catalog;
import com.customervalue.segments.ingest.BreakdownColumns;
import com.customervalue.segments.metrics.CustomerMetrics;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code segment_breakdown} table: for each breakdown attribute, every customer of
 * customer_segments (prospects included) counted once under their value of it, by value tier and
 * lifecycle status, with buyers, revenue and the cell's share of the attribute value's revenue.
 */
public final class SegmentBreakdown {
  /** The attribute_value of customers without a (non-blank) value of the attribute. */
  public static final String NO_VALUE = "";

  private SegmentBreakdown() {}

  /**
   * Breaks {@code segments} down by {@code columns}: master attributes are read from {@code
   * segments} itself, transaction attributes from {@code transactionValues} (customer id,
   * attribute, attribute value: {@link
   * com.customervalue.segments.ingest.TransactionAttributes#modalValues}).
   */
  public static Dataset<Row> table(
      Dataset<Row> segments, BreakdownColumns columns, Dataset<Row> transactionValues) {
    Dataset<Row> perCustomer =
        segments.sparkSession().createDataFrame(List.of(), perCustomerSchema(segments));
    for (String attribute : columns.columns()) {
      Dataset<Row> valued =
          columns.fromMaster().contains(attribute)
              ? segments.withColumn(ATTRIBUTE_VALUE, col("`" + attribute.replace("`", "``") + "`"))
              : segments.join(
                  transactionValues
                      .filter(col(ATTRIBUTE).equalTo(attribute))
                      .select(col(CUSTOMER_ID), col(ATTRIBUTE_VALUE)),
                  CUSTOMER_ID,
                  "left");
      perCustomer = perCustomer.unionByName(perCustomerRows(valued, attribute));
    }
    Column buyer = CustomerMetrics.isBuyer();
    Dataset<Row> cells =
        perCustomer
            .groupBy(col(ATTRIBUTE), col(ATTRIBUTE_VALUE), col(VALUE_TIER), col(LIFECYCLE_STATUS))
            .agg(
                count(lit(1)).as("customers"),
                count(when(buyer, lit(1))).as("buyers"),
                sum(col(MONETARY)).cast(CustomerMetrics.MONEY_TYPE).as("revenue"));
    Column revenue = col("revenue").cast(DataTypes.DoubleType);
    Column valueRevenue =
        sum(revenue).over(Window.partitionBy(col(ATTRIBUTE), col(ATTRIBUTE_VALUE)));
    return cells
        .withColumn(
            "revenue_share",
            when(valueRevenue.equalTo(0), lit(null)).otherwise(revenue.divide(valueRevenue)))
        .select(
            Catalog.SEGMENT_BREAKDOWN.columns().stream()
                .map(name -> col(name))
                .toArray(Column[]::new))
        .orderBy(col(ATTRIBUTE), col(ATTRIBUTE_VALUE), col(VALUE_TIER), col(LIFECYCLE_STATUS));
  }

  /** One row per customer: the attribute, its value as text (or {@link #NO_VALUE}), the cell. */
  private static Dataset<Row> perCustomerRows(Dataset<Row> valued, String attribute) {
    Column text = col(ATTRIBUTE_VALUE).cast(DataTypes.StringType);
    return valued.select(
        lit(attribute).as(ATTRIBUTE),
        when(text.isNull().or(trim(text).equalTo("")), lit(NO_VALUE))
            .otherwise(text)
            .as(ATTRIBUTE_VALUE),
        col(VALUE_TIER),
        col(LIFECYCLE_STATUS),
        col(CustomerMetrics.FREQUENCY),
        col(MONETARY));
  }

  private static StructType perCustomerSchema(Dataset<Row> segments) {
    return new StructType()
        .add(ATTRIBUTE, DataTypes.StringType)
        .add(ATTRIBUTE_VALUE, DataTypes.StringType)
        .add(VALUE_TIER, DataTypes.StringType)
        .add(LIFECYCLE_STATUS, DataTypes.StringType)
        .add(CustomerMetrics.FREQUENCY, DataTypes.IntegerType)
        .add(MONETARY, segments.schema().apply(MONETARY).dataType());
  }
}
