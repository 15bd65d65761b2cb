package com.customervalue.segments.distribute;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.make_date;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.months_between;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.try_element_at;
import static org.apache.spark.sql.functions.when;

import com.customervalue.segments.metrics.CustomerDaysPass;
import com.customervalue.segments.metrics.CustomerMetrics;
import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The {@code cohort_retention} table (docs/DEFINITIONS.md, "Cohorts"): customers grouped by the
 * calendar month of their first purchase, and per month since then how many of them bought and the
 * net amount of their orders; every cell of the triangle up to the last month before the as-of date
 * is present, months nobody bought in with 0.
 */
public final class CohortRetention {
  public static final String COHORT_MONTH = "cohort_month";
  public static final String MONTHS_SINCE_FIRST = "months_since_first";
  public static final String COHORT_CUSTOMERS = "cohort_customers";
  public static final String ACTIVE_CUSTOMERS = "active_customers";
  public static final String RETENTION_SHARE = "retention_share";
  public static final String REVENUE = "revenue";

  private static final String COHORT_INDEX = CustomerDaysPass.COHORT_INDEX;
  private static final String UNITS = CustomerDaysPass.MONTH_UNITS;
  private static final String CELLS = "cells";
  private static final int MONTHS_PER_YEAR = 12;

  private CohortRetention() {}

  /**
   * One row per (cohort month, months since first purchase) from the cells of each partition's
   * customers ({@code metrics.CohortCells}, from the whole history before {@code asOf}). The last
   * month is the one holding the day before as-of, partial unless as-of is the 1st.
   */
  public static Dataset<Row> table(Dataset<Row> partitionCells, LocalDate asOf) {
    Dataset<Row> cells =
        partitionCells
            .groupBy(col(COHORT_INDEX), col(MONTHS_SINCE_FIRST))
            .agg(sum(col(ACTIVE_CUSTOMERS)).as(ACTIVE_CUSTOMERS), sum(col(UNITS)).as(UNITS))
            .select(
                make_date(
                        col(COHORT_INDEX).divide(MONTHS_PER_YEAR).cast(DataTypes.IntegerType),
                        pmod(col(COHORT_INDEX), lit(MONTHS_PER_YEAR)).plus(1),
                        lit(1))
                    .as(COHORT_MONTH),
                col(MONTHS_SINCE_FIRST),
                col(ACTIVE_CUSTOMERS),
                col(UNITS));

    // The cells nobody bought in are filled from a map per cohort rather than a join of the cells
    // with themselves, which would compute them twice.
    Dataset<Row> cohorts =
        cells
            .groupBy(col(COHORT_MONTH))
            .agg(
                max(when(col(MONTHS_SINCE_FIRST).equalTo(0), col(ACTIVE_CUSTOMERS)))
                    .as(COHORT_CUSTOMERS),
                map_from_entries(
                        collect_list(
                            struct(
                                col(MONTHS_SINCE_FIRST),
                                struct(col(ACTIVE_CUSTOMERS), col(UNITS)))))
                    .as(CELLS));
    LocalDate lastMonth = asOf.minusDays(1).withDayOfMonth(1);
    Column months =
        sequence(lit(0), monthsBetween(lit(Date.valueOf(lastMonth)), col(COHORT_MONTH)));
    Column cell = try_element_at(col(CELLS), col(MONTHS_SINCE_FIRST));
    Column active = coalesce(cell.getField(ACTIVE_CUSTOMERS), lit(0L));
    return cohorts
        .select(
            col(COHORT_MONTH),
            col(COHORT_CUSTOMERS),
            col(CELLS),
            explode(months).as(MONTHS_SINCE_FIRST))
        .select(
            col(COHORT_MONTH),
            col(MONTHS_SINCE_FIRST),
            col(COHORT_CUSTOMERS),
            active.as(ACTIVE_CUSTOMERS),
            active.divide(col(COHORT_CUSTOMERS)).as(RETENTION_SHARE),
            CustomerMetrics.money(cell.getField(UNITS)).as(REVENUE))
        .orderBy(col(COHORT_MONTH), col(MONTHS_SINCE_FIRST));
  }

  /** Whole calendar months from {@code start} to {@code end}, both the first of a month. */
  private static Column monthsBetween(Column end, Column start) {
    return months_between(end, start).cast(DataTypes.IntegerType).as(MONTHS_SINCE_FIRST);
  }
}
