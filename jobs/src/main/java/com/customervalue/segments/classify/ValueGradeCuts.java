package com.customervalue.segments.classify;

import static com.customervalue.segments.metrics.CustomerMetrics.CUSTOMER_ID;
import static com.customervalue.segments.metrics.CustomerMetrics.MONETARY;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log10;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.negate;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * Where the value grades change in the ranking of customers by monetary (descending, ties by id):
 * the last customer of grade A, of A or B, and of A to C. The grades are prefixes of the ranking,
 * so with these three customers known a customer's grade is a comparison of its own row, and {@code
 * customer_segments} is written without sorting every customer.
 *
 * <p>The cuts are found in two small jobs. Customers fall into fine buckets of monetary (100 a
 * decade); the bucket totals say in which bucket each share is crossed, and only the customers of
 * those buckets (and their neighbours, in case a share falls within a rounding error of a bucket's
 * first customer) are ranked, in parallel per bucket, starting from the revenue of the buckets
 * above.
 *
 * @param a the last customer of grade A; empty when nobody is A
 * @param b the last customer of grade A or B; empty when nobody is
 * @param c the last customer of grade A, B or C; empty when nobody is
 */
public record ValueGradeCuts(Optional<Cut> a, Optional<Cut> b, Optional<Cut> c) {
  private static final String BUCKET = "grade_bucket";
  private static final String SHARE_BEFORE = "share_before";
  private static final String RANK_KEY = "rank_key";

  /** A customer in the ranking: its monetary and id. */
  public record Cut(BigDecimal monetary, String customerId) {}

  /**
   * The cuts of {@code customers} (customer_id, monetary) for these shares: grade A is every
   * customer the revenue of all customers ranked above whom is below a-share of the total, and so
   * on (docs/DEFINITIONS.md, value grade).
   */
  public static ValueGradeCuts find(Dataset<Row> customers, ValueGradeShares shares) {
    Dataset<Row> ranked =
        customers
            .filter(col(MONETARY).gt(0))
            .select(col(CUSTOMER_ID), col(MONETARY), bucket().as(BUCKET));
    // At most a few thousand buckets (100 a decade), sorted here: a Spark sort costs two more jobs.
    List<Row> bucketRows =
        ranked.groupBy(col(BUCKET)).agg(sum(col(MONETARY)).as("revenue")).collectAsList().stream()
            .sorted(Comparator.comparingLong((Row row) -> row.getLong(0)).reversed())
            .toList();
    if (bucketRows.isEmpty()) {
      return new ValueGradeCuts(Optional.empty(), Optional.empty(), Optional.empty());
    }
    List<Long> buckets = new ArrayList<>();
    List<BigDecimal> revenueAbove = new ArrayList<>();
    BigDecimal total = BigDecimal.ZERO;
    for (Row row : bucketRows) {
      buckets.add(row.getLong(0));
      revenueAbove.add(total);
      total = total.add(row.getDecimal(1));
    }
    double[] thresholds = {shares.aShare(), shares.bShare(), shares.cShare()};
    TreeSet<Integer> candidates = new TreeSet<>();
    for (double threshold : thresholds) {
      int crossing = lastBucketStartingBelow(revenueAbove, total, threshold);
      for (int i = crossing - 1; i <= crossing + 1; i++) {
        if (i >= 0 && i < buckets.size()) {
          candidates.add(i);
        }
      }
    }
    return cutsWithin(ranked, buckets, revenueAbove, total, candidates, thresholds);
  }

  /**
   * The grade of a customer row with positive monetary: A at or above the a cut, then B, C, else D.
   */
  public Column grade() {
    return when(atOrAbove(a), "A").when(atOrAbove(b), "B").when(atOrAbove(c), "C").otherwise("D");
  }

  private static Column atOrAbove(Optional<Cut> cut) {
    if (cut.isEmpty()) {
      return lit(false);
    }
    Column monetary = col(MONETARY);
    return monetary
        .gt(lit(cut.get().monetary()))
        .or(
            monetary
                .equalTo(lit(cut.get().monetary()))
                .and(col(CUSTOMER_ID).leq(lit(cut.get().customerId()))));
  }

  /** Fine buckets of positive monetary, 100 a decade; a higher bucket holds higher values. */
  private static Column bucket() {
    return floor(log10(col(MONETARY).cast(DataTypes.DoubleType)).multiply(100));
  }

  /**
   * The index of the last bucket (descending) whose first customer has a share before below the
   * threshold, -1 when none: the crossing customer is in it. Spark decides the shares exactly in
   * {@link #cutsWithin}; this choice only narrows the buckets it looks at.
   */
  private static int lastBucketStartingBelow(
      List<BigDecimal> revenueAbove, BigDecimal total, double threshold) {
    int last = -1;
    for (int i = 0; i < revenueAbove.size(); i++) {
      if (revenueAbove.get(i).doubleValue() / total.doubleValue() < threshold) {
        last = i;
      }
    }
    return last;
  }

  /**
   * Ranks the customers of the candidate buckets, each bucket in its own task starting from the
   * revenue above it, and takes per threshold the last customer whose share before is below it. The
   * share is the double division the grades were always defined by.
   */
  private static ValueGradeCuts cutsWithin(
      Dataset<Row> ranked,
      List<Long> buckets,
      List<BigDecimal> revenueAbove,
      BigDecimal total,
      TreeSet<Integer> candidates,
      double[] thresholds) {
    Column above = lit(null);
    for (int i : candidates) {
      above = when(col(BUCKET).equalTo(buckets.get(i)), lit(revenueAbove.get(i))).otherwise(above);
    }
    Column within =
        coalesce(
            sum(col(MONETARY))
                .over(
                    Window.partitionBy(col(BUCKET))
                        .orderBy(col(MONETARY).desc(), col(CUSTOMER_ID))
                        .rowsBetween(Window.unboundedPreceding(), -1)),
            lit(BigDecimal.ZERO));
    Column position =
        row_number()
            .over(Window.partitionBy(col(BUCKET)).orderBy(col(MONETARY).desc(), col(CUSTOMER_ID)));
    Dataset<Row> shares =
        ranked
            .filter(col(BUCKET).isin(candidates.stream().map(buckets::get).toArray()))
            .select(
                col(CUSTOMER_ID),
                col(MONETARY),
                above
                    .plus(within)
                    .cast(DataTypes.DoubleType)
                    .divide(lit(total).cast(DataTypes.DoubleType))
                    .as(SHARE_BEFORE),
                struct(negate(col(BUCKET)), position).as(RANK_KEY));
    Column customer = struct(col(MONETARY), col(CUSTOMER_ID));
    List<Column> lasts = new ArrayList<>();
    for (double threshold : thresholds) {
      lasts.add(max_by(customer, when(col(SHARE_BEFORE).lt(threshold), col(RANK_KEY))));
    }
    Row row = shares.agg(lasts.get(0), lasts.get(1), lasts.get(2)).first();
    return new ValueGradeCuts(cut(row, 0), cut(row, 1), cut(row, 2));
  }

  private static Optional<Cut> cut(Row row, int index) {
    if (row.isNullAt(index)) {
      return Optional.empty();
    }
    Row customer = row.getStruct(index);
    return Optional.of(new Cut(customer.getDecimal(0), customer.getString(1)));
  }
}
