package com.customervalue.segments.generate;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Timestamp;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.SplittableRandom;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Synthetic order lines realistic enough to exercise the product: customers differ in purchase rate
 * (a few buy often, most rarely), spend level (log-normal, heavy-tailed) and the period in which
 * they buy (many stop before the end); a share of orders are returns. Generated inside Spark,
 * partition by partition, so any size runs in constant driver and executor memory, and the same
 * settings always give the same rows.
 */
public final class SyntheticTransactions {
  public static final StructType SCHEMA =
      new StructType()
          .add("customer_id", DataTypes.LongType, false)
          .add("order_id", DataTypes.LongType, false)
          .add("order_ts", DataTypes.TimestampType, false)
          .add("amount", DataTypes.createDecimalType(12, 2), false);

  /** Lines per Spark partition: fixed, so the output does not depend on the machine's cores. */
  static final long LINES_PER_PARTITION = 2_000_000L;

  private SyntheticTransactions() {}

  public static Dataset<Row> generate(SparkSession spark, GeneratorSettings settings) {
    long lines = settings.transactions();
    int partitions = (int) Math.max(1, (lines + LINES_PER_PARTITION - 1) / LINES_PER_PARTITION);
    return spark
        .range(0, lines, 1, partitions)
        .mapPartitions(new LineWriter(settings), Encoders.row(SCHEMA));
  }

  /** Writes the lines of one partition; an order never spans two partitions. */
  private static final class LineWriter implements MapPartitionsFunction<Long, Row> {
    private static final long serialVersionUID = 1L;

    /** Exponent > 1 concentrates orders on few customers: a power law on purchase rate. */
    private static final double ACTIVITY_SKEW = 2.5;

    private static final double MEDIAN_LINE_AMOUNT = 25.0;
    private static final double SPEND_LEVEL_SIGMA = 1.0;
    private static final double LINE_AMOUNT_SIGMA = 0.7;
    private static final double STILL_ACTIVE_SHARE = 0.4;
    private static final BigDecimal MAX_AMOUNT = new BigDecimal("9999999999.99");

    private final GeneratorSettings settings;

    LineWriter(GeneratorSettings settings) {
      this.settings = settings;
    }

    @Override
    public Iterator<Row> call(Iterator<Long> lineNumbers) {
      long firstSecond = settings.firstDay().atStartOfDay().toEpochSecond(ZoneOffset.UTC);
      long span =
          settings.lastDay().plusDays(1).atStartOfDay().toEpochSecond(ZoneOffset.UTC) - firstSecond;
      long multiplier = coprimeMultiplier(settings.customers());
      return new Iterator<>() {
        private SplittableRandom random;
        private int linesLeft;
        private long orderId;
        private long customerId;
        private Timestamp orderTs;
        private boolean isReturn;
        private double spendLevel;

        @Override
        public boolean hasNext() {
          return lineNumbers.hasNext();
        }

        @Override
        public Row next() {
          long line = lineNumbers.next();
          if (random == null) {
            random = new SplittableRandom(mix(settings.seed() ^ mix(line)));
          }
          if (linesLeft == 0) {
            startOrder(line);
          }
          linesLeft--;
          double value = spendLevel * Math.exp(LINE_AMOUNT_SIGMA * random.nextGaussian());
          BigDecimal amount =
              BigDecimal.valueOf(value)
                  .setScale(2, RoundingMode.HALF_UP)
                  .max(BigDecimal.ONE.movePointLeft(2))
                  .min(MAX_AMOUNT);
          return RowFactory.create(
              customerId, orderId, orderTs, isReturn ? amount.negate() : amount);
        }

        private void startOrder(long line) {
          orderId = line + 1;
          long rank =
              Math.min(
                  settings.customers() - 1,
                  (long) (settings.customers() * Math.pow(random.nextDouble(), ACTIVITY_SKEW)));
          // A bijection of 0..n-1 so that customer ids do not reveal how active a customer is.
          customerId = 1 + Math.floorMod(rank * multiplier, settings.customers());
          SplittableRandom customer = new SplittableRandom(mix(settings.seed() * 31 + customerId));
          spendLevel = MEDIAN_LINE_AMOUNT * Math.exp(SPEND_LEVEL_SIGMA * customer.nextGaussian());
          long activeFrom = (long) (customer.nextDouble() * 0.8 * span);
          long activeUntil =
              customer.nextDouble() < STILL_ACTIVE_SHARE
                  ? span
                  : Math.min(
                      span, activeFrom + (long) (-Math.log(1 - customer.nextDouble()) * span / 3));
          long second =
              activeFrom + (long) (random.nextDouble() * Math.max(1, activeUntil - activeFrom));
          orderTs = new Timestamp((firstSecond + Math.min(second, span - 1)) * 1000L);
          isReturn = random.nextDouble() < settings.returnShare();
          linesLeft = orderLines();
        }

        /** 1 + a geometric count, so that the mean is {@code linesPerOrder}. */
        private int orderLines() {
          double extraMean = settings.linesPerOrder() - 1;
          if (extraMean <= 0) {
            return 1;
          }
          double p = 1 / (1 + extraMean);
          return 1
              + (int)
                  Math.min(1000, Math.floor(Math.log(1 - random.nextDouble()) / Math.log(1 - p)));
        }
      };
    }

    private static long coprimeMultiplier(long n) {
      long[] primes = {7919, 7927, 7933};
      for (long prime : primes) {
        if (n % prime != 0) {
          return prime;
        }
      }
      return 1;
    }

    /** SplitMix64's finalizer: spreads nearby seeds over the whole range. */
    private static long mix(long z) {
      z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
      z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
      return z ^ (z >>> 31);
    }
  }
}
