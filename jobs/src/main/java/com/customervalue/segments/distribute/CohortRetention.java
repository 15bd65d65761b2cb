package com.customervalue.segments.distribute;

import static com.customervalue.segments.metrics.CustomerMetrics.CUSTOMER_ID;
import static com.customervalue.segments.metrics.CustomerMetrics.ORDER_DATE;
import static com.customervalue.segments.metrics.CustomerMetrics.PURCHASES;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.make_date;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.month;
import static org.apache.spark.sql.functions.months_between;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.try_element_at;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.year;

import com.customervalue.segments.metrics.CustomerMetrics;
import java.sql.Date;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

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

  private static final String COHORT_INDEX = "cohort_index";
  private static final String UNITS = "month_units";
  private static final String CELLS = "cells";
  private static final int MONTHS_PER_YEAR = 12;

  /** A cell of one partition's customers: cohort as a month index, active customers, units. */
  private static final StructType PARTITION_CELL =
      new StructType()
          .add(COHORT_INDEX, DataTypes.IntegerType, false)
          .add(MONTHS_SINCE_FIRST, DataTypes.IntegerType, false)
          .add(ACTIVE_CUSTOMERS, DataTypes.LongType, false)
          .add(UNITS, DataTypes.LongType, false);

  private CohortRetention() {}

  /**
   * One row per (cohort month, months since first purchase) from the {@code customerDays} (as
   * {@code metrics.CustomerDays} holds them), the whole history before {@code asOf}. The last month
   * is the one holding the day before as-of, partial unless as-of is the 1st.
   */
  public static Dataset<Row> table(Dataset<Row> customerDays, LocalDate asOf) {
    // One streaming pass over each partition's days, in customer and day order: the customer days
    // are partitioned by customer and already sorted so (the sort below is then dropped from the
    // plan), which spares a hash aggregate to (customer, month) and a window sort over it, the
    // most expensive part of the table at tens of millions of customers.
    Dataset<Row> partitionCells =
        customerDays
            .filter(col(ORDER_DATE).lt(lit(Date.valueOf(asOf))))
            .sortWithinPartitions(col(CUSTOMER_ID), col(ORDER_DATE))
            .select(
                col(CUSTOMER_ID),
                monthIndex(col(ORDER_DATE)),
                col(PURCHASES),
                CustomerMetrics.netUnits())
            .mapPartitions(new CohortCells(), Encoders.row(PARTITION_CELL));
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
    // with themselves, which would compute them, and shuffle the orders, twice.
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

  /** A date's month counted from year 0: year x 12 + month - 1. */
  private static Column monthIndex(Column date) {
    return year(date).multiply(MONTHS_PER_YEAR).plus(month(date)).minus(1).as("month_index");
  }

  /**
   * Sums each partition's customer days (customer, month index, purchases, net units) into triangle
   * cells, one row per cell of the partition; the days must be sorted by customer and day, and each
   * customer's days all in one partition.
   */
  private static final class CohortCells implements MapPartitionsFunction<Row, Row> {
    @Override
    public Iterator<Row> call(Iterator<Row> days) {
      PartitionTriangle triangle = new PartitionTriangle();
      days.forEachRemaining(triangle::add);
      return triangle.cells();
    }
  }

  /**
   * The cells of one partition's customers: a customer's cohort is the first month with a purchase,
   * and every month from it on adds the customer to the cell's active customers if it holds a
   * purchase, and its net amount to the cell's units.
   */
  private static final class PartitionTriangle {
    private static final int NO_MONTH = Integer.MIN_VALUE;

    /** (cohort index << 32 | months since first) to {active customers, units}. */
    private final Map<Long, long[]> cells = new HashMap<>();

    private Object customer;
    private int cohort;
    private int month;
    private boolean monthPurchased;
    private long monthUnits;

    void add(Row day) {
      Object dayCustomer = day.get(0);
      int dayMonth = day.getInt(1);
      if (!dayCustomer.equals(customer)) {
        closeMonth();
        customer = dayCustomer;
        cohort = NO_MONTH;
        openMonth(dayMonth);
      } else if (dayMonth != month) {
        closeMonth();
        openMonth(dayMonth);
      }
      monthPurchased |= day.getInt(2) > 0;
      monthUnits += day.getLong(3);
    }

    Iterator<Row> cells() {
      closeMonth();
      return cells.entrySet().stream()
          .map(
              cell ->
                  RowFactory.create(
                      (int) (cell.getKey() >> Integer.SIZE),
                      cell.getKey().intValue(),
                      cell.getValue()[0],
                      cell.getValue()[1]))
          .iterator();
    }

    private void openMonth(int dayMonth) {
      month = dayMonth;
      monthPurchased = false;
      monthUnits = 0;
    }

    // A month is closed only once all its days are summed: the cohort month then counts the
    // returns made on its days before the first purchase, as the months after it do.
    private void closeMonth() {
      if (customer == null) {
        return;
      }
      if (cohort == NO_MONTH && monthPurchased) {
        cohort = month;
      }
      if (cohort != NO_MONTH) {
        long key = ((long) cohort << Integer.SIZE) | (month - cohort);
        long[] cell = cells.computeIfAbsent(key, unused -> new long[2]);
        cell[0] += monthPurchased ? 1 : 0;
        cell[1] += monthUnits;
      }
    }
  }

  /** Whole calendar months from {@code start} to {@code end}, both the first of a month. */
  private static Column monthsBetween(Column end, Column start) {
    return months_between(end, start).cast(DataTypes.IntegerType).as(MONTHS_SINCE_FIRST);
  }
}
