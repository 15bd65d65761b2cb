package com.customervalue.segments.clv;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.customervalue.segments.SparkTestSession;
import com.customervalue.segments.clv.CustomerSummaries.PurchaseRule;
import com.customervalue.segments.ingest.Transactions;
import com.customervalue.segments.metrics.CustomerMetrics;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fits on the CDNOW sample (2,357 customers, observation end 1997-09-30, weeks) equal the
 * published maximum-likelihood estimates. References:
 *
 * <ul>
 *   <li>BG/NBD: CLVTools tests/testthat/test_correctness_bgnbd.R (r = 0.2425945, alpha = 4.4136019,
 *       a = 0.7929199, b = 2.4258881, LL = -9582.429), which reproduce Fader, Hardie and Lee
 *       (2005): r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4; standard errors
 *       0.012557, 0.378230, 0.185721, 0.705332 from M. Platzer's clv-master-thesis (cdnow.R,
 *       bgEstimateParameters).
 *   <li>Pareto/NBD: the BTYD walkthrough (vignette code): 0.5533971, 10.5801985, 0.6060625,
 *       11.6562237, pnbd.cbs.LL = -9594.976.
 *   <li>Gamma-Gamma: lifetimes' TestGammaGammaFitter.test_params_out_is_close_to_Hardie_paper: p =
 *       6.25, q = 3.74, gamma = 15.44 (946 customers with x &gt;= 1).
 * </ul>
 *
 * The packages count every recorded transaction, also the eight $0.00 ones of this sample: the
 * published figures are reproduced with {@link PurchaseRule#NON_NEGATIVE_AMOUNT}. The definition of
 * docs/DEFINITIONS.md (net amount &gt; 0) drops the eight customers whose only calibration purchase
 * is $0.00; its fit is asserted too, against this implementation's own figures.
 */
class CdnowFitsTest extends SparkTestSession {
  private static final LocalDate OBSERVATION_END = LocalDate.of(1997, 9, 30);
  private static Dataset<Row> orders;
  private static Dataset<Row> holdoutOrders;
  private static Dataset<Row> published;
  private static ModelFit bgNbd;
  private static ModelFit paretoNbd;

  @BeforeAll
  static void summarize() {
    Dataset<Row> lines =
        spark
            .read()
            .parquet(repositoryRoot().resolve("data-samples/cdnow_sample.parquet").toString())
            .select(
                col("customer_id").cast(DataTypes.StringType).as(Transactions.CUSTOMER_ID),
                col("order_date").as(Transactions.TRANSACTION_DATE),
                col("dollar_value").cast(Transactions.AMOUNT_TYPE).as(Transactions.AMOUNT));
    // conf/cdnow.conf: no order id, so every line is an order; the run's orders precede as-of.
    Dataset<Row> allOrders = CustomerMetrics.eachLineAnOrder(lines);
    orders =
        allOrders
            .where(col(CustomerMetrics.ORDER_DATE).lt(lit(Date.valueOf("1997-10-01"))))
            .cache();
    holdoutOrders =
        allOrders.where(col(CustomerMetrics.ORDER_DATE).geq(lit(Date.valueOf("1997-10-01"))));
    published =
        CustomerSummaries.of(
                orders, OBSERVATION_END, TimeUnit.WEEK, PurchaseRule.NON_NEGATIVE_AMOUNT)
            .cache();
    long start = System.nanoTime();
    bgNbd = ClvFits.fitPurchases(ClvModel.BG_NBD, published);
    System.out.printf("%s in %.1f s%n", bgNbd, (System.nanoTime() - start) / 1e9);
    start = System.nanoTime();
    paretoNbd = ClvFits.fitPurchases(ClvModel.PARETO_NBD, published);
    System.out.printf("%s in %.1f s%n", paretoNbd, (System.nanoTime() - start) / 1e9);
  }

  @AfterAll
  static void release() {
    published.unpersist();
    orders.unpersist();
  }

  @Test
  void bgNbdEqualsThePublishedEstimates() {
    ModelFit fit = bgNbd;
    assertEquals(2357, fit.customers());
    assertTrue(fit.converged());
    assertFourDigits(0.2425945, fit.parameter("r"));
    assertFourDigits(4.4136019, fit.parameter("alpha"));
    assertFourDigits(0.7929199, fit.parameter("a"));
    assertFourDigits(2.4258881, fit.parameter("b"));
    assertEquals(-9582.429, fit.logLikelihood(), 0.01);
    assertEquals(0.012557, fit.standardError("r"), 0.0001);
    assertEquals(0.378230, fit.standardError("alpha"), 0.001);
    assertEquals(0.185721, fit.standardError("a"), 0.001);
    assertEquals(0.705332, fit.standardError("b"), 0.003);
  }

  @Test
  void paretoNbdIsWithinHalfAPercentOfThePublishedEstimates() {
    ModelFit fit = paretoNbd;
    assertTrue(fit.converged());
    assertEquals(0.5533971, fit.parameter("r"), 0.005 * 0.5533971);
    assertEquals(10.5801985, fit.parameter("alpha"), 0.005 * 10.5801985);
    assertEquals(0.6060625, fit.parameter("s"), 0.005 * 0.6060625);
    assertEquals(11.6562237, fit.parameter("beta"), 0.005 * 11.6562237);
    assertEquals(-9594.976, fit.logLikelihood(), 0.01);

    Row customer =
        published
            .where(col(CustomerSummaries.REPEAT_PURCHASES).equalTo(26))
            .where(col(CustomerSummaries.AGE).equalTo(31.0))
            .first();
    double x = customer.getInt(customer.fieldIndex(CustomerSummaries.REPEAT_PURCHASES));
    double tx = customer.getDouble(customer.fieldIndex(CustomerSummaries.RECENCY));
    double age = customer.getDouble(customer.fieldIndex(CustomerSummaries.AGE));
    // The BTYD walkthrough's customer 1516: 25.46 purchases expected in 52 weeks, P(alive) 0.9979.
    assertEquals(216 / 7.0, tx, 1e-12);
    assertEquals(25.46, ClvPredictions.expectedPurchases(fit, 52, x, tx, age), 0.01);
    assertEquals(0.9979, ClvPredictions.pAlive(fit, x, tx, age), 0.0001);
  }

  @Test
  void gammaGammaEqualsThePublishedEstimates() {
    ModelFit fit = ClvFits.fitSpend(published);
    System.out.println(fit);
    assertEquals(946, fit.customers());
    assertTrue(fit.converged());
    // Published to two decimals: the fit rounds to the same.
    assertEquals(6.25, fit.parameter("p"), 0.005);
    assertEquals(3.74, fit.parameter("q"), 0.005);
    assertEquals(15.44, fit.parameter("gamma"), 0.005);
  }

  @Test
  void theCompressedTriplesAndThePerCustomerRowsGiveTheSameFit() {
    ModelFit compressed = bgNbd;
    ModelFit perCustomer =
        MaximumLikelihood.fit(ClvModel.BG_NBD, published.withColumn("one", lit(1)), "one");
    assertEquals(2357, perCustomer.distinctRows());
    assertTrue(compressed.distinctRows() < 1100, "distinct triples " + compressed.distinctRows());
    for (String name : ClvModel.BG_NBD.parameterNames()) {
      assertEquals(
          compressed.parameter(name),
          perCustomer.parameter(name),
          1e-4 * compressed.parameter(name));
    }
    assertEquals(compressed.logLikelihood(), perCustomer.logLikelihood(), 1e-4);
  }

  @Test
  void aWarmStartFromACustomerSampleEndsAtTheFullDataMaximum() {
    // As on large data (MaximumLikelihood.WARM_START_CUSTOMERS and more than LOCAL_ROWS rows), here
    // from 500 sampled customers, fitted on the executors, then on the driver (at most 500 rows).
    for (long localRows : new long[] {0, 600}) {
      ModelFit warm =
          MaximumLikelihood.fit(
              ClvModel.BG_NBD,
              ClvFits.distinctTriples(published),
              ClvFits.CUSTOMERS,
              0,
              500,
              localRows);
      assertEquals(2357, warm.customers());
      assertTrue(warm.distinctRows() > localRows, "fitted on the executors");
      assertTrue(warm.converged());
      for (String name : ClvModel.BG_NBD.parameterNames()) {
        assertEquals(bgNbd.parameter(name), warm.parameter(name), 1e-4 * bgNbd.parameter(name));
      }
      assertEquals(bgNbd.logLikelihood(), warm.logLikelihood(), 1e-4);
    }
  }

  @Test
  void theDriverAndTheExecutorsFitTheSame() throws TimeoutException {
    for (ClvModel model : ClvModel.values()) {
      Dataset<Row> rows =
          (model.predictsPurchases()
                  ? ClvFits.distinctTriples(published)
                  : ClvFits.distinctSpend(published))
              .cache();
      long distinct = rows.count();
      // At the threshold on the driver, one row above it on the executors; no warm start.
      CountedFit local = fitCountingJobs(model, rows, distinct);
      CountedFit distributed = fitCountingJobs(model, rows, distinct - 1);
      rows.unpersist();
      System.out.printf(
          "%s: %d jobs on the driver, %d on the executors%n",
          model.settingName(), local.jobs(), distributed.jobs());
      // The count and the collect; on the executors a job per evaluation.
      assertTrue(local.jobs() <= 3, model + " jobs on the driver: " + local.jobs());
      assertTrue(
          distributed.jobs() > distributed.fit().iterations(),
          model + " jobs on the executors: " + distributed.jobs());
      ModelFit expected = distributed.fit();
      ModelFit actual = local.fit();
      assertTrue(expected.converged() && actual.converged(), model + " converged");
      assertEquals(expected.customers(), actual.customers());
      assertEquals(distinct, actual.distinctRows());
      assertEquals(distinct, expected.distinctRows());
      assertEquals(expected.iterations(), actual.iterations(), model + " iterations");
      assertEquals(
          expected.logLikelihood(),
          actual.logLikelihood(),
          1e-6 * Math.abs(expected.logLikelihood()),
          model + " log-likelihood");
      for (int i = 0; i < expected.parameters().length; i++) {
        String name = model + " " + model.parameterNames().get(i);
        assertEquals(
            expected.parameters()[i],
            actual.parameters()[i],
            1e-6 * expected.parameters()[i],
            name);
        assertEquals(
            expected.standardErrors()[i],
            actual.standardErrors()[i],
            1e-6 * expected.standardErrors()[i],
            name + " standard error");
      }
    }
  }

  /** A fit and the Spark jobs it ran. */
  private record CountedFit(ModelFit fit, int jobs) {}

  private static CountedFit fitCountingJobs(ClvModel model, Dataset<Row> rows, long localRows)
      throws TimeoutException {
    String group = "fit " + model + " " + localRows;
    AtomicInteger jobs = new AtomicInteger();
    SparkListener listener =
        new SparkListener() {
          @Override
          public void onJobStart(SparkListenerJobStart start) {
            if (start.properties() != null
                && group.equals(start.properties().getProperty("spark.jobGroup.id"))) {
              jobs.incrementAndGet();
            }
          }
        };
    SparkContext context = spark.sparkContext();
    context.addSparkListener(listener);
    context.setJobGroup(group, group, false);
    try {
      ModelFit fit =
          MaximumLikelihood.fit(
              model,
              rows,
              ClvFits.CUSTOMERS,
              Long.MAX_VALUE,
              MaximumLikelihood.SAMPLE_CUSTOMERS,
              localRows);
      context.listenerBus().waitUntilEmpty();
      return new CountedFit(fit, jobs.get());
    } finally {
      context.clearJobGroup();
      context.removeSparkListener(listener);
    }
  }

  @Test
  void theDefinitionsPurchaseDaysLeaveOutTheZeroAmountCustomers() {
    Dataset<Row> summaries = CustomerSummaries.of(orders, OBSERVATION_END, TimeUnit.WEEK);
    ModelFit fit = ClvFits.fitPurchases(ClvModel.BG_NBD, summaries);
    System.out.println(fit);
    assertEquals(2349, fit.customers());
    // This implementation's figures (not published): the eight customers are one-timers, so r,
    // alpha and b move by a fraction of their standard errors.
    assertFourDigits(0.2439, fit.parameter("r"));
    assertFourDigits(4.422, fit.parameter("alpha"));
    assertFourDigits(0.7925, fit.parameter("a"));
    assertFourDigits(2.423, fit.parameter("b"));
    assertEquals(-9578.20, fit.logLikelihood(), 0.01);
  }

  @Test
  void conditionalExpectationsPerCalibrationFrequencyEqualThePublishedTable() {
    // mplatzer/BTYDplus demo/cdnow.R on BTYD's cdnowSummary, T.star = 39 weeks: mean conditional
    // expectation and actual holdout transactions per calibration repeat-purchase count x.
    double[] paretoNbdPublished = {0.14, 0.60, 1.20, 1.71, 2.40, 2.91};
    double[] bgNbdPublished = {0.23, 0.52, 1.04, 1.52, 2.16, 2.65};
    double[] actualPublished = {0.24, 0.70, 1.39, 1.56, 2.53, 2.95};
    Dataset<Row> holdoutDays =
        holdoutOrders
            .where(col(CustomerMetrics.ORDER_UNITS).geq(0))
            .groupBy(col(CustomerMetrics.CUSTOMER_ID))
            .agg(countDistinct(col(CustomerMetrics.ORDER_DATE)).as("holdout_days"));
    List<Row> bins =
        published
            .withColumn("bgnbd", ClvPredictions.expectedPurchases(bgNbd, 39))
            .withColumn("pnbd", ClvPredictions.expectedPurchases(paretoNbd, 39))
            .join(holdoutDays, CustomerSummaries.CUSTOMER_ID, "left")
            .where(col(CustomerSummaries.REPEAT_PURCHASES).leq(5))
            .groupBy(col(CustomerSummaries.REPEAT_PURCHASES))
            .agg(
                avg("bgnbd").as("bgnbd"),
                avg("pnbd").as("pnbd"),
                avg(coalesce(col("holdout_days"), lit(0L))).as("actual"))
            .orderBy(CustomerSummaries.REPEAT_PURCHASES)
            .collectAsList();
    assertEquals(6, bins.size());
    for (Row bin : bins) {
      int x = bin.getInt(0);
      assertEquals(bgNbdPublished[x], bin.getDouble(1), 0.005, "BG/NBD, x = " + x);
      assertEquals(paretoNbdPublished[x], bin.getDouble(2), 0.005, "Pareto/NBD, x = " + x);
      assertEquals(actualPublished[x], bin.getDouble(3), 0.005, "actual, x = " + x);
    }
  }

  private static void assertFourDigits(double expected, double actual) {
    assertEquals(expected, actual, 0.5e-3 * Math.abs(expected), "four significant digits");
  }
}
