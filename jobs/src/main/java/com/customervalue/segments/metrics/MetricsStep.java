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

  private final int amountLevelWindowDays;

  /**
   * {@code amountLevelWindowDays}: the trailing window the amount level's basis is measured over
   * (segments.classification.amount-levels-window-days; 0 = the whole history).
   */
  public MetricsStep(int amountLevelWindowDays) {
    this.amountLevelWindowDays = amountLevelWindowDays;
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
    // The metrics and the tier features are cached and then scanned many times (k-means
    // iterates); let adaptive execution size their partitions from the data instead of keeping 200.
    state.spark().conf().set("spark.sql.optimizer.canChangeCachedPlanOutputPartitioning", "true");
    Ingested ingested = state.get(ValidateStep.INGESTED);
    Dataset<Row> metrics = state.cache(perCustomer(ingested, amountLevelWindowDays));
    Row population =
        metrics.agg(count(lit(1)), count(when(CustomerMetrics.isBuyer(), lit(1)))).first();
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

  /** Per-customer metrics, with the customer master's customers and attributes when given. */
  static Dataset<Row> perCustomer(Ingested ingested, int amountLevelWindowDays) {
    Dataset<Row> lines = ingested.accepted();
    Dataset<Row> orders =
        ingested.hasOrderIds()
            ? CustomerMetrics.netOrders(lines)
            : CustomerMetrics.eachLineAnOrder(lines);
    Dataset<Row> metrics =
        CustomerMetrics.perCustomer(
            orders, ingested.asOf(), ingested.windowDays(), amountLevelWindowDays);
    return ingested
        .customerMaster()
        .map(master -> CustomerMaster.attach(metrics, master))
        .orElse(metrics);
  }
}
