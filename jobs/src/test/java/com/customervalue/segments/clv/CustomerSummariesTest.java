package com.customervalue.segments.clv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.customervalue.segments.SparkTestSession;
import com.customervalue.segments.metrics.CustomerMetrics;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Summaries follow the definitions; predictions apply to them as Spark columns. */
class CustomerSummariesTest extends SparkTestSession {
  private static final LocalDate END = LocalDate.of(2024, 3, 31);

  private static Dataset<Row> orders(Object[]... rows) {
    StructType schema =
        new StructType()
            .add(CustomerMetrics.CUSTOMER_ID, DataTypes.StringType)
            .add(CustomerMetrics.ORDER_DATE, DataTypes.DateType)
            .add(CustomerMetrics.ORDER_UNITS, DataTypes.LongType);
    List<Row> list =
        java.util.Arrays.stream(rows)
            .map(r -> RowFactory.create(r[0], Date.valueOf((String) r[1]), r[2]))
            .toList();
    return spark.createDataFrame(list, schema);
  }

  private static Map<String, Row> byCustomer(Dataset<Row> summaries) {
    return summaries.collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r));
  }

  @Test
  void purchaseDaysRepeatPurchasesAndTheMeanOfTheRepeatDays() {
    Dataset<Row> orders =
        orders(
            // a: first day 10.00; 2024-01-15 has two purchases (5 + 7 = one day worth 12); a
            // return and a zero-amount order make no purchase day; an order after the end is out.
            new Object[] {"a", "2024-01-01", 100_000L},
            new Object[] {"a", "2024-01-15", 50_000L},
            new Object[] {"a", "2024-01-15", 70_000L},
            new Object[] {"a", "2024-02-01", -30_000L},
            new Object[] {"a", "2024-02-20", 0L},
            new Object[] {"a", "2024-03-03", 40_000L},
            new Object[] {"a", "2024-04-01", 990_000L},
            // b: one purchase day; c: only a return; d: only after the end.
            new Object[] {"b", "2024-03-24", 25_000L},
            new Object[] {"c", "2024-02-01", -10_000L},
            new Object[] {"d", "2024-04-02", 10_000L});
    Map<String, Row> rows = byCustomer(CustomerSummaries.of(orders, END, TimeUnit.WEEK));
    assertEquals(List.of("a", "b"), rows.keySet().stream().sorted().toList());

    Row a = rows.get("a");
    assertEquals(2, a.getInt(2), "purchase days 01-01, 01-15, 03-03");
    assertEquals(62 / 7.0, a.getDouble(3), 1e-12, "t_x: 01-01 to 03-03");
    assertEquals(90 / 7.0, a.getDouble(4), 1e-12, "T: 01-01 to 03-31");
    assertEquals((12.0 + 4.0) / 2, a.getDouble(5), 1e-12, "mean of the repeat days");

    Row b = rows.get("b");
    assertEquals(0, b.getInt(2));
    assertEquals(0.0, b.getDouble(3));
    assertEquals(1.0, b.getDouble(4), 1e-12);
    assertNull(b.get(5));

    Row inDays = byCustomer(CustomerSummaries.of(orders, END, TimeUnit.DAY)).get("a");
    assertEquals(62.0, inDays.getDouble(3));
    assertEquals(90.0, inDays.getDouble(4));

    Map<String, Row> withZero =
        byCustomer(
            CustomerSummaries.of(
                orders, END, TimeUnit.WEEK, CustomerSummaries.PurchaseRule.NON_NEGATIVE_AMOUNT));
    assertEquals(3, withZero.get("a").getInt(2), "the zero-amount order is a purchase day");
    assertEquals(16.0 / 3, withZero.get("a").getDouble(5), 1e-12);
  }

  @Test
  void aFitWithoutAnInteriorMaximumIsFiniteButNotConverged() {
    // Seven customers who all bought again lately: nobody seems to drop out, so the dropout
    // parameters run off to the boundary.
    Dataset<Row> triples =
        spark.sql(
            "select * from values (3, 9.0D, 10.0D, 5L), (4, 11.0D, 12.0D, 2L)"
                + " as t(repeat_purchases, t_x, t_cal, customers)");
    ModelFit fit = MaximumLikelihood.fit(ClvModel.BG_NBD, triples, "customers");
    assertTrue(Double.isFinite(fit.logLikelihood()), fit.toString());
    for (double parameter : fit.parameters()) {
      assertTrue(Double.isFinite(parameter), fit.toString());
    }
    assertTrue(!fit.converged(), fit.toString());
    assertEquals(7, fit.customers());
    assertEquals(2, fit.distinctRows());
  }

  @Test
  void predictionsApplyToTheSummariesAsColumns() {
    Dataset<Row> summaries =
        CustomerSummaries.of(
            orders(
                new Object[] {"a", "2024-01-01", 100_000L},
                new Object[] {"a", "2024-03-03", 40_000L},
                new Object[] {"b", "2024-03-24", 25_000L}),
            END,
            TimeUnit.WEEK);
    ModelFit purchases =
        new ModelFit(
            ClvModel.BG_NBD,
            new double[] {0.243, 4.414, 0.793, 2.426},
            new double[4],
            0,
            0,
            0,
            0,
            true);
    ModelFit spend =
        new ModelFit(
            ClvModel.GAMMA_GAMMA,
            new double[] {6.25, 3.74, 15.44},
            new double[3],
            0,
            0,
            0,
            0,
            true);
    Map<String, Row> rows =
        byCustomer(ClvPredictions.withPredictions(summaries, purchases, spend, 52));
    Row a = rows.get("a");
    double tx = 62 / 7.0;
    double age = 90 / 7.0;
    assertEquals(
        ClvPredictions.pAlive(purchases, 1, tx, age), a.getDouble(a.fieldIndex("p_alive")), 1e-12);
    assertEquals(
        ClvPredictions.expectedPurchases(purchases, 52, 1, tx, age),
        a.getDouble(a.fieldIndex("expected_purchases")),
        1e-12);
    assertEquals(
        ClvPredictions.expectedOrderValue(spend, 1, 4.0),
        a.getDouble(a.fieldIndex("expected_order_value")),
        1e-12);
    Row b = rows.get("b");
    assertEquals(1.0, b.getDouble(b.fieldIndex("p_alive")));
    assertEquals(
        6.25 * 15.44 / 2.74, b.getDouble(b.fieldIndex("expected_order_value")), 1e-9, "x = 0");
    assertTrue(b.getDouble(b.fieldIndex("expected_purchases")) > 0);
  }
}
