package com.customervalue.segments.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.randn;
import static org.apache.spark.sql.functions.when;

import com.customervalue.segments.distribute.ValueDistribution;
import com.customervalue.segments.metrics.CustomerMetrics;
import com.customervalue.segments.score.QuantileMode;
import com.customervalue.segments.tier.ValueTiers;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * A runnable timing of {@link ValueDistribution#compute} alone (quantiles, histograms, exact
 * Lorenz, Gini and top shares) on a published customer_segments snapshot, in exact and approximate
 * quantile mode: seconds per run (wall, and CPU of the whole process, steadier on a shared
 * machine), peak heap, and the Spark stages that took a second or more. Usage, after {@code mvn -B
 * -o -q -DskipTests package}:
 *
 * <pre>
 * java @jobs/target/jvm-options \
 *   -cp "jobs/target/test-classes:jobs/target/classes:$(cat jobs/target/bench-classpath.txt)" \
 *   com.customervalue.segments.bench.DistributionCheck SEGMENTS [repeats] [modes]
 * </pre>
 *
 * SEGMENTS is a customer_segments directory of one snapshot (OUTPUT/customer_segments/
 * snapshot_date=D, as {@code bin/segments run} or {@code bench} publish it), or {@code synthetic:N}
 * for N made-up customers (log-normal money with four decimals, four tiers) written once to a
 * temporary Parquet directory; modes is a comma list of exact, approximate (default both).
 */
public final class DistributionCheck {
  private DistributionCheck() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: DistributionCheck SEGMENTS|synthetic:N [repeats] [modes]");
      System.exit(2);
    }
    int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    String modes = args.length > 2 ? args[2] : "exact,approximate";
    SparkSession spark =
        SparkSession.builder()
            .appName("value distribution check")
            .master(System.getProperty("master", "local[*]"))
            .config("spark.ui.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    String source = args[0];
    if (source.startsWith("synthetic:")) {
      long customers = Long.parseLong(source.substring("synthetic:".length()).replace("_", ""));
      Path dir = Files.createTempDirectory("distribution-check");
      source = dir.resolve("customer_segments").toString();
      long start = System.nanoTime();
      synthetic(spark, customers).write().parquet(source);
      System.out.printf("%,d synthetic customers written in %.1f s%n", customers, since(start));
    }
    Dataset<Row> segments = spark.read().parquet(source);
    System.out.printf(
        "%s: %,d customers, %d cores, max heap %,d MiB%n",
        source,
        segments.count(),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20);
    spark.sparkContext().addSparkListener(new SlowStages("segments.distribute"));
    for (String name : modes.split(",")) {
      QuantileMode mode = QuantileMode.valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
      for (int run = 1; run <= repeats; run++) {
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        long start = System.nanoTime();
        long cpuStart = processCpuNanos();
        long rows = ValueDistribution.compute(segments, mode, 0.001).collectAsList().size();
        double seconds = since(start);
        double cpu = (processCpuNanos() - cpuStart) / 1e9;
        long peak =
            ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP)
                .mapToLong(pool -> pool.getPeakUsage().getUsed())
                .sum();
        System.out.printf(
            "%-11s run %d: %6.2f s (%.2f s CPU), %d rows, peak heap %,d MiB%n",
            name, run, seconds, cpu, rows, peak >> 20);
      }
    }
    spark.stop();
  }

  /** CPU time of the whole process (driver and local executors), steadier than wall time. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static double since(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  /** Customers as customer_segments has them, for the columns the distribution reads. */
  private static Dataset<Row> synthetic(SparkSession spark, long customers) {
    return spark
        .range(customers)
        .select(
            col("id").cast(DataTypes.StringType).as(CustomerMetrics.CUSTOMER_ID),
            floor(rand(1).multiply(700))
                .cast(DataTypes.IntegerType)
                .as(CustomerMetrics.RECENCY_DAYS),
            floor(exp(randn(2).multiply(0.8)))
                .cast(DataTypes.IntegerType)
                .as(CustomerMetrics.FREQUENCY),
            exp(randn(3).multiply(1.2).plus(5))
                .cast(CustomerMetrics.MONEY_TYPE)
                .as(CustomerMetrics.MONETARY),
            when(rand(4).lt(0.25), lit("gold"))
                .when(rand(4).lt(0.5), lit("silver"))
                .when(rand(4).lt(0.75), lit("copper"))
                .otherwise(lit("iron"))
                .as(ValueTiers.VALUE_TIER))
        .withColumn(
            CustomerMetrics.AVG_ORDER_VALUE,
            when(
                col(CustomerMetrics.FREQUENCY).gt(0),
                col(CustomerMetrics.MONETARY)
                    .divide(col(CustomerMetrics.FREQUENCY))
                    .cast(CustomerMetrics.MONEY_TYPE)));
  }
}
