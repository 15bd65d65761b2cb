package com.customervalue.segments.classify;

import static com.customervalue.segments.clv.CustomerValue.P_ALIVE;
import static com.customervalue.segments.metrics.CustomerMetrics.AMOUNT_LEVEL_REVENUE;
import static com.customervalue.segments.metrics.CustomerMetrics.FIRST_PURCHASE_DATE;
import static com.customervalue.segments.metrics.CustomerMetrics.FREQUENCY;
import static com.customervalue.segments.metrics.CustomerMetrics.MONETARY;
import static com.customervalue.segments.metrics.CustomerMetrics.RECENCY_DAYS;
import static com.customervalue.segments.metrics.CustomerMetrics.TENURE_DAYS;
import static com.customervalue.segments.tier.ValueTiers.VALUE_TIER;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.math.BigDecimal;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The rule-based classifications CRM teams use beside the tiers: lifecycle status, value grade
 * (A-D, Pareto on revenue), amount level (bands on the trailing net amount) and the recommended
 * action.
 */
public final class Classifications {
  public static final String LIFECYCLE_STATUS = "lifecycle_status";
  public static final String VALUE_GRADE = "value_grade";
  public static final String AMOUNT_LEVEL = "amount_level";
  public static final String AMOUNT_ABOVE_CAP = "amount_above_cap";
  public static final String RECOMMENDED_ACTION = "recommended_action";

  private Classifications() {}

  /**
   * Adds {@code lifecycle_status}. Non-buyers: lapsed if they ever bought, else prospect. Buyers,
   * first match: lapsed (recency above churn-days), at_risk (above at-risk-days), new (first
   * purchase at most new-days ago), active.
   */
  public static Dataset<Row> lifecycle(Dataset<Row> customers, LifecycleThresholds days) {
    Column status =
        when(col(FIRST_PURCHASE_DATE).isNull(), Lifecycle.PROSPECT)
            .when(col(FREQUENCY).equalTo(0), Lifecycle.LAPSED)
            .when(col(RECENCY_DAYS).gt(days.churnDays()), Lifecycle.LAPSED)
            .when(col(RECENCY_DAYS).gt(days.atRiskDays()), Lifecycle.AT_RISK)
            .when(col(TENURE_DAYS).leq(days.newDays()), Lifecycle.NEW)
            .otherwise(Lifecycle.ACTIVE);
    return customers.withColumn(LIFECYCLE_STATUS, status);
  }

  /**
   * Adds {@code value_grade}: customers ranked by monetary (ties by id), a customer's grade is set
   * by the share of revenue of everyone ranked above them: below a-share A, below b-share B, below
   * c-share C, else D. So the customers who together make the first a-share are A, including the
   * one who crosses it. Customers with no positive monetary are D. Runs the small jobs of {@link
   * ValueGradeCuts#find}.
   */
  public static Dataset<Row> valueGrade(Dataset<Row> customers, ValueGradeShares shares) {
    return valueGrade(customers, ValueGradeCuts.find(customers, shares));
  }

  /** Adds {@code value_grade} from the cuts found on these customers, row by row. */
  public static Dataset<Row> valueGrade(Dataset<Row> customers, ValueGradeCuts cuts) {
    return customers.withColumn(
        VALUE_GRADE, when(col(MONETARY).gt(0), cuts.grade()).otherwise(lit("D")));
  }

  /**
   * Adds {@code amount_level}, how many of the ascending lower bounds {@code amount_level_revenue}
   * reaches (0 below the first, no spend in the window included), and {@code amount_above_cap},
   * whether it exceeds the cap of the top band (such a customer stays at the top level).
   */
  public static Dataset<Row> amountLevel(Dataset<Row> customers, AmountLevels levels) {
    Column revenue = col(AMOUNT_LEVEL_REVENUE);
    Column level = lit(0);
    for (BigDecimal bound : levels.lowerBounds()) {
      level = level.plus(when(revenue.geq(lit(bound)), 1).otherwise(0));
    }
    Column aboveCap = levels.cap().map(cap -> revenue.gt(lit(cap))).orElse(lit(false));
    return customers
        .withColumn(AMOUNT_LEVEL, level.cast(DataTypes.IntegerType))
        .withColumn(AMOUNT_ABOVE_CAP, coalesce(aboveCap, lit(false)));
  }

  /**
   * Adds {@code recommended_action}: the first playbook rule whose tiers, statuses and P(alive)
   * bounds match; a customer without a P(alive) matches no rule with bounds.
   */
  public static Dataset<Row> recommendedAction(
      Dataset<Row> customers, List<PlaybookRule> playbook) {
    Column action = lit(null).cast(DataTypes.StringType);
    for (int i = playbook.size() - 1; i >= 0; i--) {
      PlaybookRule rule = playbook.get(i);
      Column matches = lit(true);
      if (!rule.tiers().isEmpty()) {
        matches = matches.and(col(VALUE_TIER).isin(rule.tiers().toArray()));
      }
      if (!rule.statuses().isEmpty()) {
        matches = matches.and(col(LIFECYCLE_STATUS).isin(rule.statuses().toArray()));
      }
      if (rule.minPAlive().isPresent()) {
        matches = matches.and(coalesce(col(P_ALIVE).geq(rule.minPAlive().get()), lit(false)));
      }
      if (rule.maxPAlive().isPresent()) {
        matches = matches.and(coalesce(col(P_ALIVE).lt(rule.maxPAlive().get()), lit(false)));
      }
      action = when(matches, rule.action()).otherwise(action);
    }
    return customers.withColumn(RECOMMENDED_ACTION, action);
  }
}
