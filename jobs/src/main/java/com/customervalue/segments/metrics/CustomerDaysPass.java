package com.customervalue.segments.metrics;

import static com.customervalue.segments.metrics.CustomerMetrics.CUSTOMER_ID;
import static com.customervalue.segments.metrics.CustomerMetrics.ORDER_DATE;
import static com.customervalue.segments.metrics.CustomerMetrics.PURCHASES;
import static com.customervalue.segments.metrics.CustomerMetrics.PURCHASE_UNITS;
import static com.customervalue.segments.metrics.CustomerMetrics.RETURN_UNITS;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.month;
import static org.apache.spark.sql.functions.unix_date;
import static org.apache.spark.sql.functions.year;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One streaming pass over the {@link CustomerMetrics#customerOrders} (or {@link
 * CustomerMetrics#customerDays}) that sums every customer's days into the sums the per-customer
 * metrics are derived from and, at the end of each partition, adds that partition's cohort triangle
 * cells: the orders are read once, a customer at a time, and never cached.
 */
public final class CustomerDaysPass {
  /** A customer row's first day with a purchase, in days since 1970-01-01; null without one. */
  static final String FIRST_PURCHASE_DAY = "first_purchase_day";

  /** A customer row's last day with a purchase, in days since 1970-01-01; null without one. */
  static final String LAST_PURCHASE_DAY = "last_purchase_day";

  /** Purchases in the scoring window. */
  static final String WINDOW_PURCHASES = "window_purchases";

  /** Units of the purchases in the scoring window (their sum with the returns is the net). */
  static final String WINDOW_PURCHASE_UNITS = "window_purchase_units";

  /** Units of the returns in the scoring window, negative or 0. */
  static final String WINDOW_RETURN_UNITS = "window_return_units";

  /** Net units of the orders in the amount-level window. */
  static final String AMOUNT_LEVEL_UNITS = "amount_level_units";

  /** Days with a purchase, the whole history. */
  static final String PURCHASE_DAYS = "purchase_days";

  /** Units of the purchases of the whole history; null without a purchase. */
  static final String HISTORY_PURCHASE_UNITS = "history_purchase_units";

  /** Units of the purchases of the first purchase day; null without a purchase. */
  static final String FIRST_DAY_UNITS = "first_day_units";

  /** A cell row's cohort, as a month index: year x 12 + month - 1; null on customer rows. */
  public static final String COHORT_INDEX = "cohort_index";

  /** A cell row's months since the cohort month. */
  public static final String MONTHS_SINCE_FIRST = "months_since_first";

  /** A cell row's customers with a purchase in the month. */
  public static final String ACTIVE_CUSTOMERS = "active_customers";

  /** A cell row's net units of the month. */
  public static final String MONTH_UNITS = "month_units";

  /** The cell columns of a pass's rows, in order. */
  static final List<String> CELL_COLUMNS =
      List.of(COHORT_INDEX, MONTHS_SINCE_FIRST, ACTIVE_CUSTOMERS, MONTH_UNITS);

  private static final String EPOCH_DAY = "epoch_day";
  private static final String MONTH_INDEX = "month_index";
  private static final int MONTHS_PER_YEAR = 12;

  /** The customer fields of a row, after {@code customer_id}. */
  private static final int CUSTOMER_SUMS = 9;

  /** The cell fields of a row. */
  private static final int CELL_FIELDS = 4;

  private CustomerDaysPass() {}

  /**
   * One row per customer (its {@link #COHORT_INDEX} null) and one per cohort cell of each
   * partition's customers (its {@code customer_id} null) from the {@code customerDays}, which must
   * hold each customer in one partition, as {@link CustomerMetrics#customerOrders} and {@link
   * CustomerMetrics#customerDays} leave them; the rows of one customer and day (a row per order, or
   * one per day) are summed into the day. The windows are {@link CustomerMetrics#perCustomer}'s;
   * the cells count the days before {@code asOf} only.
   */
  public static Dataset<Row> of(
      Dataset<Row> customerDays, LocalDate asOf, int windowDays, int amountLevelWindowDays) {
    StructType schema =
        new StructType()
            .add(CUSTOMER_ID, customerDays.schema().apply(CUSTOMER_ID).dataType(), true)
            .add(FIRST_PURCHASE_DAY, DataTypes.IntegerType, true)
            .add(LAST_PURCHASE_DAY, DataTypes.IntegerType, true)
            .add(WINDOW_PURCHASES, DataTypes.LongType, true)
            .add(WINDOW_PURCHASE_UNITS, DataTypes.LongType, true)
            .add(WINDOW_RETURN_UNITS, DataTypes.LongType, true)
            .add(AMOUNT_LEVEL_UNITS, DataTypes.LongType, true)
            .add(PURCHASE_DAYS, DataTypes.LongType, true)
            .add(HISTORY_PURCHASE_UNITS, DataTypes.LongType, true)
            .add(FIRST_DAY_UNITS, DataTypes.LongType, true)
            .add(COHORT_INDEX, DataTypes.IntegerType, true)
            .add(MONTHS_SINCE_FIRST, DataTypes.IntegerType, true)
            .add(ACTIVE_CUSTOMERS, DataTypes.LongType, true)
            .add(MONTH_UNITS, DataTypes.LongType, true);
    // Sorted by customer alone: a single integral key is radix-sorted, where adding the day made it
    // a comparison sort (a fifth of the stage's CPU samples at 10 M lines). The pass puts each
    // customer's few rows in day order itself.
    return customerDays
        .sortWithinPartitions(col(CUSTOMER_ID))
        .select(
            col(CUSTOMER_ID),
            unix_date(col(ORDER_DATE)).as(EPOCH_DAY),
            monthIndex(col(ORDER_DATE)),
            col(PURCHASES),
            col(PURCHASE_UNITS),
            col(RETURN_UNITS))
        .mapPartitions(
            new Pass(
                windowStart(asOf, windowDays),
                windowStart(asOf, amountLevelWindowDays),
                (int) asOf.toEpochDay()),
            Encoders.row(schema));
  }

  /**
   * The cell rows of a pass ({@link #COHORT_INDEX}, {@link #MONTHS_SINCE_FIRST}, {@link
   * #ACTIVE_CUSTOMERS}, {@link #MONTH_UNITS}): one per partition and cell, to be summed across
   * partitions.
   */
  public static Dataset<Row> cells(Dataset<Row> pass) {
    return pass.filter(col(COHORT_INDEX).isNotNull())
        .select(CELL_COLUMNS.stream().map(name -> col(name)).toArray(Column[]::new));
  }

  /** A date's month counted from year 0: year x 12 + month - 1. */
  private static Column monthIndex(Column date) {
    return year(date).multiply(MONTHS_PER_YEAR).plus(month(date)).minus(1).as(MONTH_INDEX);
  }

  /** The first epoch day of a window of {@code days} before as-of; every day for 0. */
  private static int windowStart(LocalDate asOf, int days) {
    return days == 0 ? Integer.MIN_VALUE : (int) asOf.minusDays(days).toEpochDay();
  }

  /** The pass over one partition's days (customer, epoch day, month index, purchases, units). */
  private static final class Pass implements MapPartitionsFunction<Row, Row> {
    private final int windowStart;
    private final int amountLevelStart;
    private final int asOfDay;

    Pass(int windowStart, int amountLevelStart, int asOfDay) {
      this.windowStart = windowStart;
      this.amountLevelStart = amountLevelStart;
      this.asOfDay = asOfDay;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> days) {
      return new PartitionRows(days, this);
    }
  }

  /**
   * A partition's output, produced as it is read: a customer's row as soon as its last row is read
   * (the next customer's first row is kept for the next one), the cells once all rows are read.
   */
  private static final class PartitionRows implements Iterator<Row> {
    private final Iterator<Row> rows;
    private final Pass pass;
    private final PartitionTriangle triangle = new PartitionTriangle();
    private final CustomerRows customerRows = new CustomerRows();
    private Row nextRow;
    private Iterator<Row> cells;

    PartitionRows(Iterator<Row> rows, Pass pass) {
      this.rows = rows;
      this.pass = pass;
    }

    @Override
    public boolean hasNext() {
      return nextRow != null || rows.hasNext() || cells().hasNext();
    }

    @Override
    public Row next() {
      if (nextRow == null && !rows.hasNext()) {
        return cells().next();
      }
      Row first = nextRow != null ? nextRow : rows.next();
      nextRow = null;
      Object customer = first.get(0);
      customerRows.clear();
      customerRows.add(first);
      while (rows.hasNext()) {
        Row following = rows.next();
        if (!customer.equals(following.get(0))) {
          nextRow = following;
          break;
        }
        customerRows.add(following);
      }
      CustomerSums sums = new CustomerSums();
      triangle.startCustomer();
      customerRows.forEachDay(
          (epochDay, monthIndex, purchases, purchaseUnits, returnUnits) -> {
            long netUnits = Math.addExact(purchaseUnits, returnUnits);
            sums.add(
                epochDay,
                purchases,
                purchaseUnits,
                returnUnits,
                netUnits,
                epochDay >= pass.windowStart,
                epochDay >= pass.amountLevelStart);
            if (epochDay < pass.asOfDay) {
              triangle.add(monthIndex, purchases > 0, netUnits);
            }
          });
      return sums.row(customer);
    }

    private Iterator<Row> cells() {
      if (cells == null) {
        triangle.startCustomer();
        cells = triangle.cells(CustomerDaysPass::cellRow);
      }
      return cells;
    }
  }

  private static Row cellRow(int cohortIndex, int monthsSinceFirst, long active, long units) {
    Object[] fields = new Object[1 + CUSTOMER_SUMS + CELL_FIELDS];
    fields[1 + CUSTOMER_SUMS] = cohortIndex;
    fields[2 + CUSTOMER_SUMS] = monthsSinceFirst;
    fields[3 + CUSTOMER_SUMS] = active;
    fields[4 + CUSTOMER_SUMS] = units;
    return RowFactory.create(fields);
  }

  /**
   * One customer's rows (customer, epoch day, month index, purchases, purchase units, return units)
   * in primitive arrays, reused from customer to customer, handed on as days: in day order, the
   * rows of one day (a row per order, or one per day) summed.
   */
  private static final class CustomerRows {
    private int size;
    private int[] epochDays = new int[16];
    private int[] monthIndexes = new int[16];
    private int[] purchases = new int[16];
    private long[] purchaseUnits = new long[16];
    private long[] returnUnits = new long[16];

    /** Row positions with the epoch day in the upper half: sorted, they are in day order. */
    private long[] dayOrder = new long[16];

    void clear() {
      size = 0;
    }

    void add(Row row) {
      if (size == epochDays.length) {
        int grown = size * 2;
        epochDays = Arrays.copyOf(epochDays, grown);
        monthIndexes = Arrays.copyOf(monthIndexes, grown);
        purchases = Arrays.copyOf(purchases, grown);
        purchaseUnits = Arrays.copyOf(purchaseUnits, grown);
        returnUnits = Arrays.copyOf(returnUnits, grown);
        dayOrder = Arrays.copyOf(dayOrder, grown);
      }
      epochDays[size] = row.getInt(1);
      monthIndexes[size] = row.getInt(2);
      purchases[size] = row.getInt(3);
      purchaseUnits[size] = row.getLong(4);
      returnUnits[size] = row.getLong(5);
      dayOrder[size] = ((long) epochDays[size] << Integer.SIZE) | size;
      size++;
    }

    void forEachDay(DayConsumer consumer) {
      Arrays.sort(dayOrder, 0, size);
      int row = (int) dayOrder[0];
      int epochDay = epochDays[row];
      int monthIndex = monthIndexes[row];
      int dayPurchases = purchases[row];
      long dayPurchaseUnits = purchaseUnits[row];
      long dayReturnUnits = returnUnits[row];
      for (int next = 1; next < size; next++) {
        row = (int) dayOrder[next];
        if (epochDays[row] != epochDay) {
          consumer.accept(epochDay, monthIndex, dayPurchases, dayPurchaseUnits, dayReturnUnits);
          epochDay = epochDays[row];
          monthIndex = monthIndexes[row];
          dayPurchases = purchases[row];
          dayPurchaseUnits = purchaseUnits[row];
          dayReturnUnits = returnUnits[row];
        } else {
          dayPurchases = Math.addExact(dayPurchases, purchases[row]);
          dayPurchaseUnits = Math.addExact(dayPurchaseUnits, purchaseUnits[row]);
          dayReturnUnits = Math.addExact(dayReturnUnits, returnUnits[row]);
        }
      }
      consumer.accept(epochDay, monthIndex, dayPurchases, dayPurchaseUnits, dayReturnUnits);
    }
  }

  /** Takes one customer's day, summed. */
  private interface DayConsumer {
    void accept(int epochDay, int monthIndex, int purchases, long purchaseUnits, long returnUnits);
  }

  /**
   * One customer's sums, as {@link CustomerMetrics#perCustomer} defines them: a day is a purchase
   * day if it holds a purchase; sums of no day are 0, dates and units of no purchase day null.
   */
  private static final class CustomerSums {
    private Integer firstPurchaseDay;
    private int lastPurchaseDay;
    private long windowPurchases;
    private long windowPurchaseUnits;
    private long windowReturnUnits;
    private long amountLevelUnits;
    private long purchaseDays;
    private long historyPurchaseUnits;
    private long firstDayUnits;

    void add(
        int epochDay,
        int purchases,
        long purchaseUnits,
        long returnUnits,
        long netUnits,
        boolean inWindow,
        boolean inAmountLevelWindow) {
      if (purchases > 0) {
        if (firstPurchaseDay == null) {
          firstPurchaseDay = epochDay;
          firstDayUnits = purchaseUnits;
        }
        lastPurchaseDay = epochDay;
        purchaseDays++;
        historyPurchaseUnits = Math.addExact(historyPurchaseUnits, purchaseUnits);
      }
      if (inWindow) {
        windowPurchases += purchases;
        windowPurchaseUnits = Math.addExact(windowPurchaseUnits, purchaseUnits);
        windowReturnUnits = Math.addExact(windowReturnUnits, returnUnits);
      }
      if (inAmountLevelWindow) {
        amountLevelUnits = Math.addExact(amountLevelUnits, netUnits);
      }
    }

    Row row(Object customer) {
      boolean purchased = firstPurchaseDay != null;
      Object[] fields = new Object[1 + CUSTOMER_SUMS + CELL_FIELDS];
      fields[0] = customer;
      fields[1] = firstPurchaseDay;
      fields[2] = purchased ? lastPurchaseDay : null;
      fields[3] = windowPurchases;
      fields[4] = windowPurchaseUnits;
      fields[5] = windowReturnUnits;
      fields[6] = amountLevelUnits;
      fields[7] = purchaseDays;
      fields[8] = purchased ? historyPurchaseUnits : null;
      fields[9] = purchased ? firstDayUnits : null;
      return RowFactory.create(fields);
    }
  }
}
