package com.customervalue.segments.distribute;

import static com.customervalue.segments.metrics.CustomerMetrics.CUSTOMER_ID;
import static com.customervalue.segments.metrics.CustomerMetrics.MONETARY;
import static com.customervalue.segments.tier.ValueTiers.VALUE_TIER;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import com.customervalue.segments.metrics.CustomerMetrics;
import java.sql.Date;
import java.time.LocalDate;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The {@code tier_migration} table: customers and revenue by (from tier, to tier), in two measures.
 * {@value #MOVEMENT}: between the previous snapshot and this one, both assigned by the same model,
 * so that only customers' own change moves them; customers only in this snapshot come from "new",
 * customers only in the previous one go to "departed". {@value #MODEL_DRIFT}, when this snapshot
 * trained a new model: this snapshot's customers by their tier under the previous model and under
 * the new one, so the change the model alone makes.
 */
public final class TierMigration {
  public static final String NEW = "new";
  public static final String DEPARTED = "departed";
  public static final String MOVEMENT = "movement";
  public static final String MODEL_DRIFT = "model_drift";

  private TierMigration() {}

  /**
   * The movement rows: {@code current} holds this snapshot's customers with their tier under the
   * model that assigned {@code previous}, a customer_segments snapshot; without a previous snapshot
   * every customer comes from "new".
   */
  public static Dataset<Row> movement(
      Dataset<Row> current, Optional<Dataset<Row>> previous, Optional<LocalDate> previousSnapshot) {
    Dataset<Row> now =
        current.select(
            col(CUSTOMER_ID), col(VALUE_TIER).as("to_tier"), col(MONETARY).as("revenue"));
    Dataset<Row> before =
        previous
            .map(
                p ->
                    p.select(
                        col(CUSTOMER_ID),
                        col(VALUE_TIER).as("from_tier"),
                        col(MONETARY).as("previous_revenue")))
            .orElseGet(
                () ->
                    now.sparkSession()
                        .emptyDataFrame()
                        .select(
                            lit(null).cast(DataTypes.StringType).as(CUSTOMER_ID),
                            lit(null).cast(DataTypes.StringType).as("from_tier"),
                            lit(null).cast(CustomerMetrics.MONEY_TYPE).as("previous_revenue")));
    Column zero = lit(0).cast(CustomerMetrics.MONEY_TYPE);
    return now.join(before, CUSTOMER_ID, "full_outer")
        .groupBy(
            lit(MOVEMENT).as("measure"),
            coalesce(col("from_tier"), lit(NEW)).as("from_tier"),
            coalesce(col("to_tier"), lit(DEPARTED)).as("to_tier"))
        .agg(
            count(lit(1)).as("customers"),
            sum(coalesce(col("revenue"), zero)).cast(CustomerMetrics.MONEY_TYPE).as("revenue"),
            sum(coalesce(col("previous_revenue"), zero))
                .cast(CustomerMetrics.MONEY_TYPE)
                .as("previous_revenue"))
        .withColumn(
            "previous_snapshot_date",
            lit(previousSnapshot.map(Date::valueOf).orElse(null)).cast(DataTypes.DateType))
        .orderBy(col("from_tier"), col("to_tier"));
  }

  /**
   * The model drift rows: {@code underPreviousModel} and {@code current} hold the same customers
   * (this snapshot's), with their tier under the previous snapshot's model and under this one's.
   */
  public static Dataset<Row> modelDrift(
      Dataset<Row> underPreviousModel, Dataset<Row> current, LocalDate previousSnapshot) {
    Dataset<Row> before =
        underPreviousModel.select(col(CUSTOMER_ID), col(VALUE_TIER).as("from_tier"));
    return current
        .select(col(CUSTOMER_ID), col(VALUE_TIER).as("to_tier"), col(MONETARY).as("revenue"))
        .join(before, CUSTOMER_ID)
        .groupBy(lit(MODEL_DRIFT).as("measure"), col("from_tier"), col("to_tier"))
        .agg(
            count(lit(1)).as("customers"),
            sum(col("revenue")).cast(CustomerMetrics.MONEY_TYPE).as("revenue"),
            lit(null).cast(CustomerMetrics.MONEY_TYPE).as("previous_revenue"))
        .withColumn("previous_snapshot_date", lit(Date.valueOf(previousSnapshot)))
        .orderBy(col("from_tier"), col("to_tier"));
  }
}
