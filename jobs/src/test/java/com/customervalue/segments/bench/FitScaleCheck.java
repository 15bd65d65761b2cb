package com.customervalue.segments.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.to_date;

import com.customervalue.segments.clv.ClvFits;
import com.customervalue.segments.clv.ClvModel;
import com.customervalue.segments.clv.CustomerSummaries;
import com.customervalue.segments.clv.MaximumLikelihood;
import com.customervalue.segments.clv.ModelFit;
import com.customervalue.segments.clv.TimeUnit;
import com.customervalue.segments.generate.GammaGammaSpend;
import com.customervalue.segments.generate.ModelGeneratorSettings;
import com.customervalue.segments.generate.ModelTransactions;
import com.customervalue.segments.generate.PurchaseModel;
import com.customervalue.segments.metrics.CustomerMetrics;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * A runnable check of the fits at scale: draws N customers from BG/NBD with Gamma-Gamma spend at
 * the CDNOW estimates ({@link ModelTransactions}), fits BG/NBD, Pareto/NBD and Gamma-Gamma on their
 * summaries as of 2026-01-01 (weeks) and prints the times, the distinct rows and each recovered
 * parameter's relative error to the truth, and the Spark stages that took a second or more. Usage,
 * after {@code mvn -B -o -q -DskipTests package} (as {@code bin/segments bench} runs):
 *
 * <pre>
 * java @jobs/target/jvm-options -Xmx14g \
 *   -cp "jobs/target/test-classes:jobs/target/classes:$(cat jobs/target/bench-classpath.txt)" \
 *   com.customervalue.segments.bench.FitScaleCheck [customers] [seed] [models]
 * </pre>
 *
 * with models a comma list of bgnbd, pareto-nbd, gamma-gamma (default all three).
 */
public final class FitScaleCheck {
  private static final LocalDate FIRST_DAY = LocalDate.of(2023, 1, 1);
  private static final LocalDate LAST_DAY = LocalDate.of(2025, 12, 31);

  private FitScaleCheck() {}

  public static void main(String[] args) {
    long customers = args.length > 0 ? Long.parseLong(args[0].replace("_", "")) : 1_000_000L;
    long seed = args.length > 1 ? Long.parseLong(args[1]) : 1L;
    String models = args.length > 2 ? args[2] : "bgnbd,pareto-nbd,gamma-gamma";
    SparkSession spark =
        SparkSession.builder()
            .appName("clv fit scale check")
            .master(System.getProperty("master", "local[*]"))
            .config("spark.ui.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC")
            // As the job's metrics step sets it: cached summaries in few partitions, not 200.
            .config("spark.sql.optimizer.canChangeCachedPlanOutputPartitioning", "true")
            .getOrCreate();
    spark.sparkContext().addSparkListener(new SlowStages("segments.clv"));
    PurchaseModel.BgNbd purchases = PurchaseModel.BgNbd.CDNOW;
    GammaGammaSpend spend = GammaGammaSpend.CDNOW;
    ModelGeneratorSettings settings =
        new ModelGeneratorSettings(customers, seed, purchases, spend, FIRST_DAY, LAST_DAY);

    long start = System.nanoTime();
    Dataset<Row> orders =
        ModelTransactions.generate(spark, settings)
            .select(
                col("customer_id").cast(DataTypes.StringType).as(CustomerMetrics.CUSTOMER_ID),
                to_date(col("order_ts")).as(CustomerMetrics.ORDER_DATE),
                col("amount")
                    .multiply(10_000)
                    .cast(DataTypes.LongType)
                    .as(CustomerMetrics.ORDER_UNITS));
    Dataset<Row> summaries =
        CustomerSummaries.of(orders, LAST_DAY, TimeUnit.WEEK)
            .persist(StorageLevel.MEMORY_AND_DISK());
    long summarized = summaries.count();
    System.out.printf(
        "generated and summarized %d customers in %.1f s%n", summarized, seconds(start));

    double[] bgTruth = {purchases.r(), purchases.alpha(), purchases.a(), purchases.b()};
    double[] ggTruth = {spend.p(), spend.q(), spend.gamma()};
    double total = 0;
    start = System.nanoTime();
    Dataset<Row> triples =
        ClvFits.distinctTriples(summaries).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> spendRows =
        ClvFits.distinctSpend(summaries).persist(StorageLevel.MEMORY_AND_DISK());
    System.out.printf(
        "%d distinct triples, %d distinct (x, mean value) in %.1f s%n",
        triples.count(), spendRows.count(), seconds(start));
    for (String name : models.split(",")) {
      ClvModel model = ClvModel.named(name.trim());
      start = System.nanoTime();
      ModelFit fit =
          MaximumLikelihood.fit(
              model, model.predictsPurchases() ? triples : spendRows, ClvFits.CUSTOMERS);
      double took = seconds(start);
      total += took;
      System.out.printf("%s fit in %.1f s: %s%n", model.settingName(), took, fit);
      double[] truth =
          switch (model) {
            case BG_NBD -> bgTruth;
            case GAMMA_GAMMA -> ggTruth;
            case PARETO_NBD -> null;
          };
      if (truth != null) {
        for (int i = 0; i < truth.length; i++) {
          System.out.printf(
              "  %-6s truth %-8.5g fitted %-10.6g relative error %+.3f %%%n",
              model.parameterNames().get(i),
              truth[i],
              fit.parameters()[i],
              100 * (fit.parameters()[i] / truth[i] - 1));
        }
      }
    }
    System.out.printf("all fits: %.1f s%n", total);
    spark.stop();
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
