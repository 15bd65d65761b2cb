package com.customervalue.segments.clv;

import static org.apache.spark.sql.functions.col;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Fits the models on customer summaries ({@link CustomerSummaries#of}): the purchase models on the
 * distinct (x, t_x, T) triples with their customer counts, which is exact because their likelihood
 * depends on a customer only through the triple; Gamma-Gamma on the distinct (x, mean value) pairs
 * of the customers with x &gt;= 1.
 */
public final class ClvFits {
  /** The customer count column of {@link #distinctTriples} and {@link #distinctSpend}. */
  public static final String CUSTOMERS = "customers";

  private ClvFits() {}

  /** One row per distinct (repeat_purchases, t_x, t_cal) with its number of customers. */
  public static Dataset<Row> distinctTriples(Dataset<Row> summaries) {
    return summaries
        .groupBy(
            col(CustomerSummaries.REPEAT_PURCHASES),
            col(CustomerSummaries.RECENCY),
            col(CustomerSummaries.AGE))
        .count()
        .withColumnRenamed("count", CUSTOMERS);
  }

  /**
   * One row per distinct (repeat_purchases, repeat_mean_value) with x &gt;= 1 and a positive mean
   * (the model's support), with its count.
   */
  public static Dataset<Row> distinctSpend(Dataset<Row> summaries) {
    return summaries
        .where(
            col(CustomerSummaries.REPEAT_PURCHASES)
                .geq(1)
                .and(col(CustomerSummaries.REPEAT_MEAN_VALUE).gt(0)))
        .groupBy(col(CustomerSummaries.REPEAT_PURCHASES), col(CustomerSummaries.REPEAT_MEAN_VALUE))
        .count()
        .withColumnRenamed("count", CUSTOMERS);
  }

  /** BG/NBD or Pareto/NBD, fitted on the distinct triples. */
  public static ModelFit fitPurchases(ClvModel model, Dataset<Row> summaries) {
    if (!model.predictsPurchases()) {
      throw new IllegalArgumentException(model.settingName() + " is not a purchase model");
    }
    return MaximumLikelihood.fit(model, distinctTriples(summaries), CUSTOMERS);
  }

  /** Gamma-Gamma, fitted on the customers with at least one repeat purchase day. */
  public static ModelFit fitSpend(Dataset<Row> summaries) {
    return MaximumLikelihood.fit(ClvModel.GAMMA_GAMMA, distinctSpend(summaries), CUSTOMERS);
  }
}
