package com.customervalue.segments.metrics;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.customervalue.segments.SparkTestSession;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** The one streaming pass over the customer days: per-customer sums and cohort cells together. */
class CustomerDaysPassTest extends SparkTestSession {
  private static final LocalDate AS_OF = LocalDate.of(2024, 3, 1);

  /** The orders of {@link #returnsFirstZeroAmountDaysAndWindows}. */
  private static final Row[] A_Z_R = {
    NettedOrders.order("a", "2023-12-01", -20),
    NettedOrders.order("a", "2023-12-05", 0),
    NettedOrders.order("a", "2023-12-20", 100),
    NettedOrders.order("a", "2024-01-30", -5),
    NettedOrders.order("a", "2024-01-31", 50),
    NettedOrders.order("a", "2024-01-31", -10),
    NettedOrders.order("a", "2024-02-10", 30),
    NettedOrders.order("a", "2024-02-10", 20),
    NettedOrders.order("z", "2024-02-01", 0),
    NettedOrders.order("r", "2024-02-15", -7)
  };

  private static Dataset<Row> days(Row... orders) {
    return CustomerMetrics.customerDays(
        spark.createDataFrame(List.of(orders), NettedOrders.SCHEMA));
  }

  private static BigDecimal money(String value) {
    return new BigDecimal(value).setScale(4);
  }

  /**
   * a returns something and orders for 0 before its first purchase on 2023-12-20; in the 30-day
   * window (from 2024-01-31) it buys 50 and returns 10 on the window's first day and buys twice on
   * 2024-02-10; its return on 2024-01-30 is outside the scoring window but inside the 60-day amount
   * level window. z has zero-amount orders only, r returns only.
   */
  @Test
  void returnsFirstZeroAmountDaysAndWindows() {
    Dataset<Row> days = days(A_Z_R);

    Map<String, Row> metrics =
        CustomerMetrics.perCustomer(days, AS_OF, 30, 60).collectAsList().stream()
            .collect(Collectors.toMap(row -> row.getString(0), row -> row));

    Row a = metrics.get("a");
    assertEquals(Date.valueOf("2023-12-20"), a.getAs(CustomerMetrics.FIRST_PURCHASE_DATE));
    assertEquals(Date.valueOf("2024-02-10"), a.getAs(CustomerMetrics.LAST_PURCHASE_DATE));
    assertEquals(20, (Integer) a.getAs(CustomerMetrics.RECENCY_DAYS));
    assertEquals(72, (Integer) a.getAs(CustomerMetrics.TENURE_DAYS));
    assertEquals(3, (Integer) a.getAs(CustomerMetrics.FREQUENCY));
    assertEquals(money("90"), a.getAs(CustomerMetrics.MONETARY));
    assertEquals(money("100"), a.getAs(CustomerMetrics.GROSS_REVENUE));
    assertEquals(money("10"), a.getAs(CustomerMetrics.RETURNS_AMOUNT));
    assertEquals(money("33.3333"), a.getAs(CustomerMetrics.AVG_ORDER_VALUE));
    assertEquals(money("85"), a.getAs(CustomerMetrics.AMOUNT_LEVEL_REVENUE));
    assertEquals(2, (Integer) a.getAs(CustomerMetrics.REPEAT_PURCHASES));
    assertEquals(money("50"), a.getAs(CustomerMetrics.REPEAT_PURCHASE_VALUE));

    Row z = metrics.get("z");
    assertEquals(0, (Integer) z.getAs(CustomerMetrics.FREQUENCY));
    assertEquals(money("0"), z.getAs(CustomerMetrics.MONETARY));
    assertNull(z.getAs(CustomerMetrics.FIRST_PURCHASE_DATE));
    assertNull(z.getAs(CustomerMetrics.RECENCY_DAYS));
    assertNull(z.getAs(CustomerMetrics.REPEAT_PURCHASES));
    assertNull(z.getAs(CustomerMetrics.REPEAT_PURCHASE_VALUE));
    Row r = metrics.get("r");
    assertEquals(money("-7"), r.getAs(CustomerMetrics.MONETARY));
    assertEquals(money("7"), r.getAs(CustomerMetrics.RETURNS_AMOUNT));
    assertNull(r.getAs(CustomerMetrics.LAST_PURCHASE_DATE));
    assertEquals(3, metrics.size());

    // Only a has a cohort, December 2023; its returns before the first purchase count there.
    assertEquals(
        Map.of("2023-12 +0", "1 800000", "2023-12 +1", "1 350000", "2023-12 +2", "1 500000"),
        summedCells(CustomerDaysPass.of(days, AS_OF, 30, 60)));
  }

  /**
   * The metrics step hands the pass a row per order ({@link CustomerMetrics#customerOrders}), not
   * per day, and in no particular order: the pass sorts and sums a day's orders itself (a purchase
   * and a return on 2024-01-31, two purchases on 2024-02-10), so both inputs give the same customer
   * and cell rows, with zero-amount orders purchases or not.
   */
  @Test
  void aRowPerOrderGivesTheRowsOfARowPerDay() {
    Dataset<Row> orders = spark.createDataFrame(List.of(A_Z_R), NettedOrders.SCHEMA);
    // Latest first: the pass puts each customer's rows in day order itself.
    List<Row> latestFirst = new ArrayList<>(List.of(A_Z_R));
    Collections.reverse(latestFirst);
    Dataset<Row> reversed = spark.createDataFrame(latestFirst, NettedOrders.SCHEMA);
    for (boolean zeroAmountPurchases : new boolean[] {false, true}) {
      Dataset<Row> perOrder = CustomerMetrics.customerOrders(reversed, zeroAmountPurchases);
      Dataset<Row> perDay = CustomerMetrics.customerDays(orders, zeroAmountPurchases);
      assertEquals(10, perOrder.count());
      assertEquals(8, perDay.count());

      assertEquals(
          sortedRows(CustomerDaysPass.of(perDay, AS_OF, 30, 60)),
          sortedRows(CustomerDaysPass.of(perOrder, AS_OF, 30, 60)),
          "zero-amount orders are purchases: " + zeroAmountPurchases);
    }
    Row a =
        customerRows(
                CustomerDaysPass.of(CustomerMetrics.customerOrders(orders, false), AS_OF, 30, 60))
            .filter(col(CustomerMetrics.CUSTOMER_ID).equalTo("a"))
            .first();
    assertEquals(3L, (Long) a.getAs(CustomerDaysPass.PURCHASE_DAYS));
    assertEquals(3L, (Long) a.getAs(CustomerDaysPass.WINDOW_PURCHASES));
  }

  /** The customer rows of a pass (those without a cohort cell). */
  private static Dataset<Row> customerRows(Dataset<Row> pass) {
    return pass.filter(col(CustomerDaysPass.COHORT_INDEX).isNull());
  }

  private static List<String> sortedRows(Dataset<Row> pass) {
    return pass.collectAsList().stream().map(Row::toString).sorted().toList();
  }

  /**
   * Forty customers spread over three partitions, each buying in its cohort month and every third
   * month after it: every partition emits its own cells, which sum to the whole triangle, and every
   * customer is one row.
   */
  @Test
  void severalPartitionsEachEmitTheirCells() {
    Row[] orders =
        IntStream.range(0, 40)
            .boxed()
            .flatMap(
                i ->
                    IntStream.of(0, 3, 6)
                        .mapToObj(
                            later ->
                                NettedOrders.order(
                                    "c" + i,
                                    LocalDate.of(2023, 1 + i % 2, 10).plusMonths(later).toString(),
                                    1 + i)))
            .toArray(Row[]::new);
    Dataset<Row> days =
        days(orders)
            .repartition(3, col(CustomerMetrics.CUSTOMER_ID))
            .sortWithinPartitions(
                col(CustomerMetrics.CUSTOMER_ID), col(CustomerMetrics.ORDER_DATE));

    Dataset<Row> pass = CustomerDaysPass.of(days, AS_OF, 0, 0);

    assertEquals(3, pass.rdd().getNumPartitions());
    assertEquals(40, customerRows(pass).count());
    // Six cells (two cohorts, three active months each) from each of the three partitions.
    assertEquals(18, CustomerDaysPass.cells(pass).count());
    // Cohort January: the even customers, units 1 + i; February: the odd ones.
    long january = IntStream.range(0, 40).filter(i -> i % 2 == 0).map(i -> 1 + i).sum() * 10_000L;
    long february = IntStream.range(0, 40).filter(i -> i % 2 == 1).map(i -> 1 + i).sum() * 10_000L;
    Map<String, String> expected = new TreeMap<>();
    for (int later : new int[] {0, 3, 6}) {
      expected.put("2023-01 +" + later, "20 " + january);
      expected.put("2023-02 +" + later, "20 " + february);
    }
    assertEquals(expected, summedCells(pass));
  }

  /** The cells of a pass summed across partitions: "yyyy-mm +k" to "active units". */
  private static Map<String, String> summedCells(Dataset<Row> pass) {
    Map<String, long[]> sums = new TreeMap<>();
    for (Row cell : CustomerDaysPass.cells(pass).collectAsList()) {
      int cohort = cell.getInt(0);
      String key = String.format("%04d-%02d +%d", cohort / 12, cohort % 12 + 1, cell.getInt(1));
      long[] sum = sums.computeIfAbsent(key, unused -> new long[2]);
      sum[0] += cell.getLong(2);
      sum[1] += cell.getLong(3);
    }
    return sums.entrySet().stream()
        .collect(
            Collectors.toMap(
                Map.Entry::getKey,
                entry -> entry.getValue()[0] + " " + entry.getValue()[1],
                (x, y) -> x,
                TreeMap::new));
  }
}
