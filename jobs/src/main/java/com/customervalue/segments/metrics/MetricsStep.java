package com.customervalue.segments.metrics;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import com.customervalue.segments.ingest.Ingested;
import com.customervalue.segments.ingest.ValidateStep;
import com.customervalue.segments.pipeline.Key;
import com.customervalue.segments.pipeline.RunState;
import com.customervalue.segments.pipeline.Step;
import com.customervalue.segments.pipeline.StepFailedException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Nets the accepted lines into orders and computes every customer's RFM metrics, with the customer
 * master's customers and attributes when there is one; stops the run when nobody bought.
 */
public final class MetricsStep implements Step {
  public static final Key<CustomerBase> CUSTOMERS =
      Key.of("the per-customer metrics", CustomerBase.class);

  public static final Key<CustomerDays> CUSTOMER_DAYS =
      Key.of("the orders per customer and day", CustomerDays.class);

  public static final Key<CohortCells> COHORT_CELLS =
      Key.of("the cohort triangle cells per partition", CohortCells.class);

  private final int amountLevelWindowDays;
  private final boolean zeroAmountPurchases;

  /**
   * {@code amountLevelWindowDays}: the trailing window the amount level's basis is measured over
   * (segments.classification.amount-levels-window-days; 0 = the whole history); {@code
   * zeroAmountPurchases}: an order of net amount 0 is a purchase (segments.snapshot).
   */
  public MetricsStep(int amountLevelWindowDays, boolean zeroAmountPurchases) {
    this.amountLevelWindowDays = amountLevelWindowDays;
    this.zeroAmountPurchases = zeroAmountPurchases;
  }

  @Override
  public String name() {
    return "metrics";
  }

  @Override
  public String description(RunState state) {
    return "per-customer RFM metrics as of " + state.get(ValidateStep.INGESTED).asOf();
  }

  @Override
  public void run(RunState state) {
    // The metrics and the k-means training set are cached and then scanned many times (k-means
    // iterates); let adaptive execution size their partitions from the data instead of keeping 200.
    state.spark().conf().set("spark.sql.optimizer.canChangeCachedPlanOutputPartitioning", "true");
    Ingested ingested = state.get(ValidateStep.INGESTED);
    Dataset<Row> orders = orders(ingested);
    // The backtest's input, not cached and computed only if a backtest runs: nothing else reads
    // the days (caching the 33 M customer days of 100 M lines cost 7 % of the run).
    state.put(
        CUSTOMER_DAYS, new CustomerDays(CustomerMetrics.customerDays(orders, zeroAmountPurchases)));
    // The metrics are derived from the pass's customer rows on the way into the cache, with the
    // cell rows carried in the same rows: one cache of a row per customer. Caching the pass and
    // then the metrics derived from it built and scanned a second copy (14 s at 100 M lines).
    Dataset<Row> passRows =
        state.cache(
            CustomerMetrics.withMetrics(
                CustomerDaysPass.of(
                    CustomerMetrics.customerOrders(orders, zeroAmountPurchases),
                    ingested.asOf(),
                    ingested.windowDays(),
                    amountLevelWindowDays),
                ingested.asOf()));
    Dataset<Row> cells = CustomerDaysPass.cells(passRows);
    state.put(
        COHORT_CELLS,
        new CohortCells(state.spark().createDataFrame(cells.collectAsList(), cells.schema())));
    Dataset<Row> ownMetrics = CustomerMetrics.customerRows(passRows);
    Dataset<Row> metrics =
        ingested
            .customerMaster()
            .map(master -> state.cache(CustomerMaster.attach(ownMetrics, master)))
            .orElse(ownMetrics);
    Row population =
        metrics.agg(count(lit(1)), count(when(CustomerMetrics.isBuyer(), lit(1)))).first();
    if (ingested.customerMaster().isPresent()) {
      // With a customer master the joined metrics are cached and the cells are on the driver:
      // nothing reads the pass's rows again, and holding them too doubled the memory of a row per
      // customer.
      passRows.unpersist();
    }
    long customers = population.getLong(0);
    long buyers = population.getLong(1);
    state.put(CUSTOMERS, new CustomerBase(metrics, customers, buyers));
    if (buyers == 0) {
      throw new StepFailedException(
          "None of the "
              + customers
              + " customers has a purchase in the window before "
              + ingested.asOf()
              + " (window-days "
              + ingested.windowDays()
              + "), so there is nobody to score or tier.");
    }
  }

  /** The accepted lines netted into orders, or each line an order without order ids. */
  static Dataset<Row> orders(Ingested ingested) {
    Dataset<Row> lines = ingested.accepted();
    return ingested.hasOrderIds()
        ? CustomerMetrics.netOrders(lines)
        : CustomerMetrics.eachLineAnOrder(lines);
  }
}
