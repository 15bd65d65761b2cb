package com.customervalue.segments.metrics;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.customervalue.segments.SparkTestSession;
import com.customervalue.segments.ingest.CustomerMasterInput;
import com.customervalue.segments.ingest.Transactions;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Date;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class CustomerMetricsTest extends SparkTestSession {
  private static final LocalDate AS_OF = LocalDate.of(2024, 3, 1);

  /** Accepted lines as validation hands them on. */
  private static final StructType LINES =
      new StructType()
          .add(Transactions.CUSTOMER_ID, DataTypes.LongType)
          .add(Transactions.ORDER_ID, DataTypes.StringType)
          .add(Transactions.TRANSACTION_DATE, DataTypes.DateType)
          .add(Transactions.AMOUNT, Transactions.AMOUNT_TYPE);

  private static Row line(long customer, String order, String date, String amount) {
    return RowFactory.create(
        customer, order, Date.valueOf(date), new BigDecimal(amount).setScale(4));
  }

  private static Map<String, Row> metrics(int windowDays, Row... lines) {
    return metrics(windowDays, 0, lines);
  }

  private static Map<String, Row> metrics(int windowDays, int amountLevelDays, Row... lines) {
    Dataset<Row> accepted = spark.createDataFrame(Arrays.asList(lines), LINES);
    return CustomerMetrics.perCustomer(
            CustomerMetrics.customerDays(CustomerMetrics.netOrders(accepted)),
            AS_OF,
            windowDays,
            amountLevelDays)
        .collectAsList()
        .stream()
        .collect(Collectors.toMap(row -> row.getString(0), row -> row));
  }

  private static BigDecimal money(String value) {
    return new BigDecimal(value).setScale(4);
  }

  @Test
  void schemaIsTheContract() {
    StructType schema =
        CustomerMetrics.perCustomer(
                CustomerMetrics.customerDays(
                    CustomerMetrics.netOrders(spark.createDataFrame(List.of(), LINES))),
                AS_OF,
                0,
                365)
            .schema();
    List<String> fields =
        Arrays.stream(schema.fields())
            .map(field -> field.name() + " " + field.dataType().sql())
            .toList();
    assertEquals(
        List.of(
            "customer_id STRING",
            "first_purchase_date DATE",
            "last_purchase_date DATE",
            "recency_days INT",
            "frequency INT",
            "monetary DECIMAL(28,4)",
            "gross_revenue DECIMAL(28,4)",
            "returns_amount DECIMAL(28,4)",
            "avg_order_value DECIMAL(28,4)",
            "tenure_days INT",
            "amount_level_revenue DECIMAL(28,4)",
            "repeat_purchases INT",
            "repeat_purchase_value DECIMAL(28,4)"),
        fields);
    assertEquals(
        CustomerMetrics.COLUMNS, Arrays.stream(schema.fields()).map(StructField::name).toList());
  }

  /** Line amounts become exact long units across the whole amount type, DECIMAL(18,4). */
  @Test
  void amountsAreExactAtTheEndsOfTheirType() {
    Map<String, Row> metrics =
        metrics(
            0,
            line(1, "a1", "2024-01-01", "99999999999999.9999"),
            line(2, "b1", "2024-01-01", "0.0001"),
            line(2, "b2", "2024-01-02", "-99999999999999.9998"),
            line(3, "c1", "2024-01-01", "12345678901234.5678"),
            line(3, "c1", "2024-01-01", "-0.5678"));

    assertEquals(money("99999999999999.9999"), metrics.get("1").getAs(CustomerMetrics.MONETARY));
    assertEquals(money("-99999999999999.9997"), metrics.get("2").getAs(CustomerMetrics.MONETARY));
    assertEquals(
        money("99999999999999.9998"), metrics.get("2").getAs(CustomerMetrics.RETURNS_AMOUNT));
    assertEquals(money("12345678901234.0000"), metrics.get("3").getAs(CustomerMetrics.MONETARY));
  }

  /**
   * Averages are rounded half up to 4 decimals once, exactly as a BigDecimal division would: 1/3,
   * 2/3 and a tie at half a unit, for the average order value and for the repeat days' mean.
   */
  @Test
  void averagesRoundHalfUpToFourDecimals() {
    Map<String, Row> metrics =
        metrics(
            0,
            line(1, "a1", "2024-01-01", "0.0001"),
            line(1, "a2", "2024-01-02", "0.0001"),
            line(1, "a3", "2024-01-03", "0.0003"),
            line(2, "b1", "2024-01-01", "7.0000"),
            line(2, "b2", "2024-01-02", "0.0001"),
            line(2, "b3", "2024-01-03", "0.0002"),
            line(3, "c1", "2024-01-01", "1.0000"),
            line(3, "c2", "2024-01-02", "1.0000"),
            line(3, "c3", "2024-01-03", "0.0001"),
            line(3, "c4", "2024-01-04", "1000000000.0000"));

    for (Row customer : metrics.values()) {
      BigDecimal gross = customer.getAs(CustomerMetrics.GROSS_REVENUE);
      int frequency = customer.getAs(CustomerMetrics.FREQUENCY);
      assertEquals(
          gross.divide(BigDecimal.valueOf(frequency), 4, RoundingMode.HALF_UP),
          customer.getAs(CustomerMetrics.AVG_ORDER_VALUE),
          "avg_order_value of customer " + customer.getString(0));
    }
    // 0.0005 / 3 = 0.000166..., 7.0003 / 3 = 2.33343..., 1000000002.0001 / 4 = 250000000.500025
    assertEquals(money("0.0002"), metrics.get("1").getAs(CustomerMetrics.AVG_ORDER_VALUE));
    assertEquals(money("2.3334"), metrics.get("2").getAs(CustomerMetrics.AVG_ORDER_VALUE));
    assertEquals(money("250000000.5000"), metrics.get("3").getAs(CustomerMetrics.AVG_ORDER_VALUE));
    // Repeat days after the first: 0.0004 / 2 = 0.0002; 0.0003 / 2 = 0.00015, a tie, rounds up.
    assertEquals(money("0.0002"), metrics.get("1").getAs(CustomerMetrics.REPEAT_PURCHASE_VALUE));
    assertEquals(money("0.0002"), metrics.get("2").getAs(CustomerMetrics.REPEAT_PURCHASE_VALUE));
    // 1000000001.0001 / 3 = 333333333.6667
    assertEquals(
        money("333333333.6667"), metrics.get("3").getAs(CustomerMetrics.REPEAT_PURCHASE_VALUE));
  }

  /**
   * The buy-till-you-die inputs count purchase days of the whole history, not orders in the window:
   * two orders on the first day are one purchase day, a return day is none, and the first day's
   * value stays out of the repeat days' mean.
   */
  @Test
  void repeatPurchasesArePurchaseDaysAfterTheFirstOverTheWholeHistory() {
    Map<String, Row> metrics =
        metrics(
            30,
            line(1, "o1", "2023-06-01", "100.00"),
            line(1, "o2", "2023-06-01", "20.00"),
            line(1, "o3", "2023-07-01", "-50.00"),
            line(1, "o4", "2024-02-10", "30.00"),
            line(1, "o5", "2024-02-10", "10.00"),
            line(1, "o6", "2024-02-20", "20.00"),
            line(2, "o7", "2024-01-05", "8.00"),
            line(3, "o8", "2024-01-05", "-8.00"));

    Row repeater = metrics.get("1");
    assertEquals(2, (Integer) repeater.getAs(CustomerMetrics.REPEAT_PURCHASES));
    assertEquals(money("30.00"), repeater.getAs(CustomerMetrics.REPEAT_PURCHASE_VALUE));
    assertEquals(3, (Integer) repeater.getAs(CustomerMetrics.FREQUENCY));
    Row once = metrics.get("2");
    assertEquals(0, (Integer) once.getAs(CustomerMetrics.REPEAT_PURCHASES));
    assertNull(once.getAs(CustomerMetrics.REPEAT_PURCHASE_VALUE));
    Row returnsOnly = metrics.get("3");
    assertNull(returnsOnly.getAs(CustomerMetrics.REPEAT_PURCHASES));
    assertNull(returnsOnly.getAs(CustomerMetrics.REPEAT_PURCHASE_VALUE));
  }

  @Test
  void onePurchaseTheDayBeforeAsOf() {
    Row row =
        metrics(0, line(1, "o1", "2024-02-29", "10.00"), line(1, "o1", "2024-02-29", "5.50"))
            .get("1");

    assertEquals(Date.valueOf("2024-02-29"), row.getAs(CustomerMetrics.FIRST_PURCHASE_DATE));
    assertEquals(Date.valueOf("2024-02-29"), row.getAs(CustomerMetrics.LAST_PURCHASE_DATE));
    assertEquals(1, (Integer) row.getAs(CustomerMetrics.RECENCY_DAYS));
    assertEquals(1, (Integer) row.getAs(CustomerMetrics.FREQUENCY));
    assertEquals(money("15.50"), row.getAs(CustomerMetrics.MONETARY));
    assertEquals(money("15.50"), row.getAs(CustomerMetrics.GROSS_REVENUE));
    assertEquals(money("0"), row.getAs(CustomerMetrics.RETURNS_AMOUNT));
    assertEquals(money("15.50"), row.getAs(CustomerMetrics.AVG_ORDER_VALUE));
    assertEquals(1, (Integer) row.getAs(CustomerMetrics.TENURE_DAYS));
  }

  @Test
  void returnsReduceMonetaryAndZeroOrdersCountForNothing() {
    Row row =
        metrics(
                0,
                line(2, "o1", "2024-01-01", "100.00"),
                line(2, "o2", "2024-01-20", "40.00"),
                line(2, "r1", "2024-02-01", "-30.00"), // a return
                line(
                    2,
                    "z1",
                    "2024-02-10",
                    "10.00"), // lines netting to zero: neither purchase nor return
                line(2, "z1", "2024-02-10", "-10.00"))
            .get("2");

    assertEquals(2, (Integer) row.getAs(CustomerMetrics.FREQUENCY));
    assertEquals(money("110.00"), row.getAs(CustomerMetrics.MONETARY));
    assertEquals(money("140.00"), row.getAs(CustomerMetrics.GROSS_REVENUE));
    assertEquals(money("30.00"), row.getAs(CustomerMetrics.RETURNS_AMOUNT));
    assertEquals(money("70.00"), row.getAs(CustomerMetrics.AVG_ORDER_VALUE));
    // The zero order on 2024-02-10 is not a purchase: recency counts from 2024-01-20.
    assertEquals(Date.valueOf("2024-01-20"), row.getAs(CustomerMetrics.LAST_PURCHASE_DATE));
    assertEquals(41, (Integer) row.getAs(CustomerMetrics.RECENCY_DAYS));
    assertEquals(60, (Integer) row.getAs(CustomerMetrics.TENURE_DAYS));
  }

  @Test
  void linesAreNettedPerOrderBeforeAnOrderIsCalledAPurchase() {
    Row row =
        metrics(
                0,
                line(3, "o1", "2024-02-01", "50.00"),
                line(3, "o1", "2024-02-01", "-80.00"), // net -30: the order is a return
                line(3, "o2", "2024-02-15", "20.00"),
                line(3, "o2", "2024-02-16", "5.00"))
            .get("3"); // an order dated by its first line

    assertEquals(1, (Integer) row.getAs(CustomerMetrics.FREQUENCY));
    assertEquals(money("-5.00"), row.getAs(CustomerMetrics.MONETARY));
    assertEquals(money("25.00"), row.getAs(CustomerMetrics.GROSS_REVENUE));
    assertEquals(money("30.00"), row.getAs(CustomerMetrics.RETURNS_AMOUNT));
    assertEquals(Date.valueOf("2024-02-15"), row.getAs(CustomerMetrics.LAST_PURCHASE_DATE));
  }

  @Test
  void customerWithReturnsOnlyHasFrequencyZeroAndNullRecency() {
    Row row =
        metrics(0, line(4, "r1", "2024-02-01", "-20.00"), line(4, "r2", "2024-02-03", "-1.25"))
            .get("4");

    assertEquals(0, (Integer) row.getAs(CustomerMetrics.FREQUENCY));
    assertEquals(money("-21.25"), row.getAs(CustomerMetrics.MONETARY));
    assertEquals(money("0"), row.getAs(CustomerMetrics.GROSS_REVENUE));
    assertEquals(money("21.25"), row.getAs(CustomerMetrics.RETURNS_AMOUNT));
    assertNull(row.getAs(CustomerMetrics.RECENCY_DAYS));
    assertNull(row.getAs(CustomerMetrics.FIRST_PURCHASE_DATE));
    assertNull(row.getAs(CustomerMetrics.LAST_PURCHASE_DATE));
    assertNull(row.getAs(CustomerMetrics.AVG_ORDER_VALUE));
    assertNull(row.getAs(CustomerMetrics.TENURE_DAYS));
  }

  @Test
  void windowCountsFromItsFirstDayButPurchaseDatesSeeTheWholeHistory() {
    // window-days 30 before 2024-03-01: [2024-01-31, 2024-03-01)
    Map<String, Row> byCustomer =
        metrics(
            30,
            line(5, "old", "2024-01-30", "70.00"), // the day before the window
            line(5, "edge", "2024-01-31", "20.00"), // the window's first day
            line(5, "ret", "2024-01-15", "-5.00"), // a return before the window
            line(6, "gone", "2023-06-01", "99.00")); // bought only before the window

    Row inWindow = byCustomer.get("5");
    assertEquals(1, (Integer) inWindow.getAs(CustomerMetrics.FREQUENCY));
    assertEquals(money("20.00"), inWindow.getAs(CustomerMetrics.MONETARY));
    assertEquals(money("20.00"), inWindow.getAs(CustomerMetrics.GROSS_REVENUE));
    assertEquals(money("0"), inWindow.getAs(CustomerMetrics.RETURNS_AMOUNT));
    assertEquals(Date.valueOf("2024-01-30"), inWindow.getAs(CustomerMetrics.FIRST_PURCHASE_DATE));
    assertEquals(31, (Integer) inWindow.getAs(CustomerMetrics.TENURE_DAYS));
    assertEquals(30, (Integer) inWindow.getAs(CustomerMetrics.RECENCY_DAYS));

    Row lapsed = byCustomer.get("6");
    assertEquals(0, (Integer) lapsed.getAs(CustomerMetrics.FREQUENCY));
    assertEquals(money("0"), lapsed.getAs(CustomerMetrics.MONETARY));
    assertEquals(Date.valueOf("2023-06-01"), lapsed.getAs(CustomerMetrics.LAST_PURCHASE_DATE));
    assertEquals(274, (Integer) lapsed.getAs(CustomerMetrics.RECENCY_DAYS));
    assertNull(lapsed.getAs(CustomerMetrics.AVG_ORDER_VALUE));
  }

  @Test
  void theAmountLevelBasisHasAWindowOfItsOwn() {
    // Scoring over the whole history, the amount level over 60 days: [2024-01-01, 2024-03-01).
    Map<String, Row> byCustomer =
        metrics(
            0,
            60,
            line(7, "old", "2023-12-31", "500.00"), // the day before the amount-level window
            line(7, "edge", "2024-01-01", "40.00"), // its first day
            line(7, "ret", "2024-02-01", "-15.00"), // a return in it counts, as in monetary
            line(8, "gone", "2023-06-01", "99.00")); // no order in it

    assertEquals(money("525.00"), byCustomer.get("7").getAs(CustomerMetrics.MONETARY));
    assertEquals(money("25.00"), byCustomer.get("7").getAs(CustomerMetrics.AMOUNT_LEVEL_REVENUE));
    assertEquals(money("99.00"), byCustomer.get("8").getAs(CustomerMetrics.MONETARY));
    assertEquals(money("0"), byCustomer.get("8").getAs(CustomerMetrics.AMOUNT_LEVEL_REVENUE));

    // The other way round: a 30-day scoring window, the amount level over the whole history.
    Row wholeHistory =
        metrics(
                30,
                0,
                line(9, "old", "2022-01-01", "1000.00"),
                line(9, "new", "2024-02-15", "10.00"))
            .get("9");
    assertEquals(money("10.00"), wholeHistory.getAs(CustomerMetrics.MONETARY));
    assertEquals(money("1010.00"), wholeHistory.getAs(CustomerMetrics.AMOUNT_LEVEL_REVENUE));
  }

  @Test
  void withoutOrderIdsEveryLineIsAnOrder() {
    Dataset<Row> accepted =
        spark.createDataFrame(
            List.of(
                line(7, null, "2024-02-01", "10.00"),
                line(7, null, "2024-02-01", "10.00"),
                line(7, null, "2024-02-02", "-4.00")),
            LINES);
    Row row =
        CustomerMetrics.perCustomer(
                CustomerMetrics.customerDays(CustomerMetrics.eachLineAnOrder(accepted)),
                AS_OF,
                0,
                0)
            .first();

    assertEquals(2, (Integer) row.getAs(CustomerMetrics.FREQUENCY));
    assertEquals(money("16.00"), row.getAs(CustomerMetrics.MONETARY));
    assertEquals(money("4.00"), row.getAs(CustomerMetrics.RETURNS_AMOUNT));
  }

  @Test
  void customerMasterAddsProspectsAndCarriesAttributes() {
    Dataset<Row> metrics =
        CustomerMetrics.perCustomer(
            CustomerMetrics.customerDays(
                CustomerMetrics.netOrders(
                    spark.createDataFrame(
                        List.of(
                            line(1, "o1", "2024-02-01", "10.00"),
                            line(2, "o2", "2024-02-01", "20.00")),
                        LINES))),
            AS_OF,
            0,
            365);
    StructType masterSchema =
        new StructType().add("id", DataTypes.IntegerType).add("region", DataTypes.StringType);
    Dataset<Row> master =
        CustomerMasterInput.keyed(
            spark.createDataFrame(
                List.of(RowFactory.create(2, "North"), RowFactory.create(3, "South")),
                masterSchema),
            "id");

    Map<String, Row> rows =
        CustomerMaster.attach(metrics, master).orderBy(col("customer_id")).collectAsList().stream()
            .collect(Collectors.toMap(row -> row.getString(0), row -> row));
    assertEquals(3, rows.size());
    assertNull(rows.get("1").getAs("region"));
    assertEquals("North", rows.get("2").getAs("region"));
    assertEquals(money("20.00"), rows.get("2").getAs(CustomerMetrics.MONETARY));
    assertEquals(money("0"), rows.get("3").getAs(CustomerMetrics.AMOUNT_LEVEL_REVENUE));
    Row prospect = rows.get("3");
    assertEquals("South", prospect.getAs("region"));
    assertEquals(0, (Integer) prospect.getAs(CustomerMetrics.FREQUENCY));
    assertEquals(money("0"), prospect.getAs(CustomerMetrics.MONETARY));
    assertNull(prospect.getAs(CustomerMetrics.RECENCY_DAYS));
  }
}
