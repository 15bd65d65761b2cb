package com.customervalue.segments.metrics;

import java.sql.Date;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Netted orders as the metrics step hands them to {@link CustomerMetrics#customerDays}. */
public final class NettedOrders {
  public static final StructType SCHEMA =
      new StructType()
          .add(CustomerMetrics.CUSTOMER_ID, DataTypes.StringType)
          .add(CustomerMetrics.ORDER_DATE, DataTypes.DateType)
          .add(CustomerMetrics.ORDER_UNITS, DataTypes.LongType);

  private NettedOrders() {}

  /** An order of a whole amount of money, in the order units of {@link #SCHEMA}. */
  public static Row order(String customer, String date, int money) {
    return RowFactory.create(customer, Date.valueOf(date), money * 10_000L);
  }
}
