package com.customervalue.segments.metrics;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * The cohort triangle cells of one partition's customers: a customer's cohort is the first month
 * with a purchase, and every month from it on adds the customer to the cell's active customers if
 * it holds a purchase, and its net amount to the cell's units.
 */
final class PartitionTriangle {
  private static final int NO_MONTH = Integer.MIN_VALUE;

  /** (cohort index << 32 | months since first) to {active customers, units}. */
  private final Map<Long, long[]> cells = new HashMap<>();

  private boolean open;
  private int cohort;
  private int month;
  private boolean monthPurchased;
  private long monthUnits;

  /** Starts the next customer; its days follow in day order. */
  void startCustomer() {
    closeMonth();
    open = false;
    cohort = NO_MONTH;
  }

  /** Adds one of the current customer's days: its month index, whether it holds a purchase. */
  void add(int dayMonth, boolean purchased, long netUnits) {
    if (!open || dayMonth != month) {
      closeMonth();
      open = true;
      month = dayMonth;
      monthPurchased = false;
      monthUnits = 0;
    }
    monthPurchased |= purchased;
    monthUnits = Math.addExact(monthUnits, netUnits);
  }

  /** The partition's cells once all its days are added, built by {@code cell}. */
  Iterator<Row> cells(CellRow cell) {
    closeMonth();
    open = false;
    return cells.entrySet().stream()
        .map(
            entry ->
                cell.of(
                    (int) (entry.getKey() >> Integer.SIZE),
                    entry.getKey().intValue(),
                    entry.getValue()[0],
                    entry.getValue()[1]))
        .iterator();
  }

  /** How a cell becomes an output row. */
  interface CellRow {
    Row of(int cohortIndex, int monthsSinceFirst, long activeCustomers, long units);
  }

  // A month is closed only once all its days are summed: the cohort month then counts the
  // returns made on its days before the first purchase, as the months after it do.
  private void closeMonth() {
    if (!open) {
      return;
    }
    if (cohort == NO_MONTH && monthPurchased) {
      cohort = month;
    }
    if (cohort != NO_MONTH) {
      long key = ((long) cohort << Integer.SIZE) | (month - cohort);
      long[] cell = cells.computeIfAbsent(key, unused -> new long[2]);
      cell[0] += monthPurchased ? 1 : 0;
      cell[1] = Math.addExact(cell[1], monthUnits);
    }
    open = false;
  }
}
