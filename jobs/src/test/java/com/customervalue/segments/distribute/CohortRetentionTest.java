package com.customervalue.segments.distribute;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.customervalue.segments.SparkTestSession;
import com.customervalue.segments.catalog.Catalog;
import com.customervalue.segments.metrics.CustomerDaysPass;
import com.customervalue.segments.metrics.CustomerMetrics;
import com.customervalue.segments.metrics.NettedOrders;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;

class CohortRetentionTest extends SparkTestSession {
  /**
   * As of 2024-04-10: April is the partial last month. a buys in January, returns in February,
   * nothing in March, buys in April; b returned something in December before first buying in
   * January (with a zero-net order), buys again in February; c has a zero-net order only and e buys
   * on the as-of date itself, so neither is in a cohort; d returns something on March 1st and then
   * buys twice in March, its cohort month (the return counts in it, as a month's returns do).
   */
  @Test
  void everyCellOfTheTriangleWithReturnsAndEmptyMonths() {
    Dataset<Row> orders =
        spark.createDataFrame(
            List.of(
                NettedOrders.order("a", "2024-01-15", 100),
                NettedOrders.order("a", "2024-02-03", -30),
                NettedOrders.order("a", "2024-04-05", 50),
                NettedOrders.order("b", "2023-12-20", -20),
                NettedOrders.order("b", "2024-01-20", 40),
                NettedOrders.order("b", "2024-01-25", 0),
                NettedOrders.order("b", "2024-02-10", 10),
                NettedOrders.order("c", "2024-01-05", 0),
                NettedOrders.order("d", "2024-03-01", -10),
                NettedOrders.order("d", "2024-03-03", 70),
                NettedOrders.order("d", "2024-03-20", 30),
                NettedOrders.order("e", "2024-04-10", 25)),
            NettedOrders.SCHEMA);

    Dataset<Row> table = table(orders, LocalDate.of(2024, 4, 10));

    assertEquals(
        Arrays.stream(Catalog.COHORT_RETENTION.schema().fields())
            .map(StructField::dataType)
            .toList(),
        Arrays.stream(table.schema().fields()).map(StructField::dataType).toList());
    assertEquals(
        List.of(Catalog.COHORT_RETENTION.schema().fieldNames()),
        List.of(table.schema().fieldNames()));
    assertEquals(
        List.of(
            "2024-01-01 0 2 2 1.0 140.0000",
            "2024-01-01 1 2 1 0.5 -20.0000",
            "2024-01-01 2 2 0 0.0 0.0000",
            "2024-01-01 3 2 1 0.5 50.0000",
            "2024-03-01 0 1 1 1.0 90.0000",
            "2024-03-01 1 1 0 0.0 0.0000"),
        table.collectAsList().stream().map(CohortRetentionTest::cells).toList());
  }

  /** With as-of on the 1st, the last month is the previous one, complete. */
  @Test
  void asOfOnTheFirstEndsWithTheCompleteMonthBefore() {
    Dataset<Row> orders =
        spark.createDataFrame(
            List.of(
                NettedOrders.order("a", "2024-01-15", 100),
                NettedOrders.order("a", "2024-03-31", 5)),
            NettedOrders.SCHEMA);

    Dataset<Row> table = table(orders, LocalDate.of(2024, 4, 1));

    assertEquals(
        List.of(
            "2024-01-01 0 1 1 1.0 100.0000",
            "2024-01-01 1 1 0 0.0 0.0000",
            "2024-01-01 2 1 1 1.0 5.0000"),
        table.collectAsList().stream().map(CohortRetentionTest::cells).toList());
  }

  /** The table from the orders' cohort cells, as the metrics step leaves them. */
  private static Dataset<Row> table(Dataset<Row> orders, LocalDate asOf) {
    Dataset<Row> pass = CustomerDaysPass.of(CustomerMetrics.customerDays(orders), asOf, 0, 0);
    return CohortRetention.table(CustomerDaysPass.cells(pass), asOf);
  }

  private static String cells(Row row) {
    return row.getDate(0)
        + " "
        + row.getInt(1)
        + " "
        + row.getLong(2)
        + " "
        + row.getLong(3)
        + " "
        + row.getDouble(4)
        + " "
        + ((BigDecimal) row.get(5)).toPlainString();
  }
}
