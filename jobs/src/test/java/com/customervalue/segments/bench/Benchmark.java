package com.customervalue.segments.bench;

import com.customervalue.segments.catalog.Catalog;
import com.customervalue.segments.config.ConfigLayers;
import com.customervalue.segments.distribute.ValueDistribution;
import com.customervalue.segments.generate.GeneratorSettings;
import com.customervalue.segments.job.GenerateJob;
import com.customervalue.segments.job.JobSettings;
import com.customervalue.segments.job.RunResult;
import com.customervalue.segments.job.SegmentationJob;
import com.customervalue.segments.publish.TableOutputs;
import com.customervalue.segments.score.QuantileMode;
import com.customervalue.segments.score.RfmScores;
import com.customervalue.segments.tier.TierModel;
import com.customervalue.segments.tier.TierQuality;
import com.customervalue.segments.tier.TierSettings;
import com.customervalue.segments.tier.ValueTiers;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * {@code bin/segments bench}: generates synthetic transactions once per size and seed (cached),
 * runs the whole segmentation job on them, computes the same per-customer metrics with DuckDB on
 * the same files as the single-machine reference, and prints one table of figures.
 */
public final class Benchmark {
  private Benchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> flags = flags(args);
    long transactions =
        Long.parseLong(flags.getOrDefault("transactions", "10000000").replace("_", ""));
    long customers =
        Long.parseLong(
            flags
                .getOrDefault("customers", String.valueOf(Math.max(1, transactions / 10)))
                .replace("_", ""));
    long seed = Long.parseLong(flags.getOrDefault("seed", "1"));
    Path work = Path.of(flags.getOrDefault("work-dir", "output/bench")).toAbsolutePath();
    Path data = work.resolve("data").resolve("t" + transactions + "-c" + customers + "-s" + seed);
    Path output = work.resolve("output");

    SparkSession spark =
        SparkSession.builder()
            .appName("customer-segments bench")
            .master(flags.getOrDefault("master", "local[*]"))
            .getOrCreate();
    try {
      double generateSeconds = 0;
      if (!Files.exists(data.resolve("_SUCCESS"))) {
        deleteRecursively(data);
        long start = System.nanoTime();
        GenerateJob.run(
            spark,
            new GeneratorSettings(
                customers,
                transactions,
                seed,
                GeneratorSettings.DEFAULT_LINES_PER_ORDER,
                GeneratorSettings.DEFAULT_RETURN_SHARE,
                GeneratorSettings.DEFAULT_FIRST_DAY,
                GeneratorSettings.DEFAULT_LAST_DAY),
            data.toString());
        generateSeconds = (System.nanoTime() - start) / 1e9;
      }
      deleteRecursively(output);
      Map<String, String> overrides = new HashMap<>();
      overrides.put("segments.input.path", data.toString());
      overrides.put("segments.output.root", output.toString());
      overrides.put(
          "segments.snapshot.as-of", GeneratorSettings.DEFAULT_LAST_DAY.plusDays(1).toString());
      // The defaults of bin/segments run (exact), unless asked to compare.
      overrides.put("segments.scoring.quantiles", flags.getOrDefault("quantiles", "exact"));
      overrides.put("segments.output.format", flags.getOrDefault("format", "parquet"));
      JobSettings settings =
          JobSettings.load(
              ConfigLayers.layered(
                  Optional.of(
                      Path.of(flags.getOrDefault("config", "conf/synthetic.conf")).toFile()),
                  overrides));

      Optional<Duration> liveHeapEvery =
          Optional.ofNullable(flags.get("live-heap-every"))
              .map(seconds -> Duration.ofSeconds(Long.parseLong(seconds)));
      resetPeaks();
      long start = System.nanoTime();
      RunResult result;
      long peakAfterGc;
      Optional<Long> peakLive;
      try (LiveHeap liveHeap = LiveHeap.watch(liveHeapEvery)) {
        result = SegmentationJob.run(spark, settings);
        peakAfterGc = liveHeap.peakBytes();
        peakLive = liveHeap.peakLiveBytes();
      }
      double jobSeconds = (System.nanoTime() - start) / 1e9;
      long peakHeap = peakHeapBytes();
      String asOf = settings.snapshot().asOf().orElseThrow().toString();
      double duckdbSeconds =
          duckdbMetricsSeconds(data, asOf, Runtime.getRuntime().availableProcessors());
      double sparkSqlSeconds = sparkSqlMetricsSeconds(spark, data, asOf);

      Map<String, String> table = new LinkedHashMap<>();
      table.put(
          "transactions (order lines)",
          String.format("%,d", result.counts().orElseThrow().rowsRead()));
      table.put("customers", String.format("%,d", result.customers().orElseThrow()));
      table.put("output format", settings.output().format().name().toLowerCase(Locale.ROOT));
      table.put("score quantiles", settings.scoring().quantiles().name().toLowerCase(Locale.ROOT));
      table.put("buyers", String.format("%,d", result.buyers().orElseThrow()));
      table.put(
          "cores / max heap",
          Runtime.getRuntime().availableProcessors()
              + " / "
              + Runtime.getRuntime().maxMemory() / (1 << 20)
              + " MiB");
      if (generateSeconds > 0) {
        table.put("generate (once, cached)", String.format("%.1f s", generateSeconds));
      }
      result
          .stageSeconds()
          .forEach(
              (stage, seconds) -> table.put("  stage " + stage, String.format("%.1f s", seconds)));
      table.put("whole job", String.format("%.1f s", jobSeconds));
      table.put(
          "rows / s",
          String.format("%,.0f", result.counts().orElseThrow().rowsRead() / jobSeconds));
      table.put(
          "peak heap (pools' peaks, garbage included)",
          String.format("%,d MiB", peakHeap / (1 << 20)));
      table.put(
          "peak heap after a collection (old garbage included)",
          String.format("%,d MiB", peakAfterGc / (1 << 20)));
      peakLive.ifPresent(
          bytes ->
              table.put(
                  "peak live heap (a full collection every "
                      + liveHeapEvery.orElseThrow().toSeconds()
                      + " s)",
                  String.format("%,d MiB", bytes / (1 << 20))));
      table.put("DuckDB metrics (same files)", String.format("%.1f s", duckdbSeconds));
      table.put(
          "our metrics / DuckDB",
          String.format("%.2f x", result.stageSeconds().get("metrics") / duckdbSeconds));
      table.put("Spark SQL, DuckDB's query (same files)", String.format("%.1f s", sparkSqlSeconds));
      table.put(
          "Spark SQL's query / DuckDB", String.format("%.2f x", sparkSqlSeconds / duckdbSeconds));
      table.put(
          "our metrics / Spark SQL's query",
          String.format("%.2f x", result.stageSeconds().get("metrics") / sparkSqlSeconds));
      table.put("whole job / DuckDB metrics", String.format("%.1f x", jobSeconds / duckdbSeconds));
      table.put(
          "k-means share of job",
          String.format("%.1f %%", 100 * result.stageSeconds().get("tier") / jobSeconds));
      table.put(
          "value models (clv) share of job",
          String.format("%.1f %%", 100 * result.stageSeconds().get("clv") / jobSeconds));
      valueModels(spark, settings, table);
      quantileModes(spark, settings, jobSeconds, table);
      if (Boolean.parseBoolean(flags.getOrDefault("tier-quality", "false"))) {
        tierQuality(spark, settings, output, table);
      }
      print(table);
    } finally {
      spark.stop();
    }
  }

  /** Each full fit of the run: its distinct inputs, iterations and estimates (clv_model). */
  private static void valueModels(
      SparkSession spark, JobSettings settings, Map<String, String> table) {
    Map<String, StringBuilder> estimates = new LinkedHashMap<>();
    for (Row row :
        TableOutputs.open(spark, settings.output(), "bench", false)
            .published(Catalog.CLV_MODEL, settings.snapshot().asOf().orElseThrow())
            .filter("fit = 'full'")
            .orderBy("model")
            .collectAsList()) {
      String model = row.getAs("model");
      StringBuilder line =
          estimates.computeIfAbsent(
              model,
              name ->
                  new StringBuilder(
                      String.format(
                          "%,d inputs, %d iterations:",
                          row.<Long>getAs("distinct_inputs"), row.<Integer>getAs("iterations"))));
      line.append(
          String.format(" %s %.4g", row.<String>getAs("parameter"), row.<Double>getAs("value")));
    }
    estimates.forEach((model, line) -> table.put("  fit " + model, line.toString()));
  }

  /**
   * Every quantile the job computes (the score breaks, value_distribution's p1..p99 and the tier
   * medians), timed once in each mode on the published customer_segments: what exact costs against
   * approximate in this run, apart from the rest of the job. The value distribution is timed whole,
   * since in exact mode its quantiles come from the passes its histograms and concentration make.
   */
  private static void quantileModes(
      SparkSession spark, JobSettings settings, double jobSeconds, Map<String, String> table) {
    Dataset<Row> segments =
        TableOutputs.open(spark, settings.output(), "bench", false)
            .published(Catalog.CUSTOMER_SEGMENTS, settings.snapshot().asOf().orElseThrow());
    // Two rounds, the best of each mode: neither gains from running after the other.
    Map<QuantileMode, Double> seconds = new java.util.EnumMap<>(QuantileMode.class);
    for (int round = 0; round < 2; round++) {
      for (QuantileMode mode : List.of(QuantileMode.APPROXIMATE, QuantileMode.EXACT)) {
        double relativeError = settings.scoring().relativeError();
        long start = System.nanoTime();
        RfmScores.breaks(segments, settings.scoring().bins(), mode, relativeError);
        ValueDistribution.of(segments, mode, relativeError);
        seconds.merge(mode, (System.nanoTime() - start) / 1e9, Math::min);
      }
    }
    double extra = seconds.get(QuantileMode.EXACT) - seconds.get(QuantileMode.APPROXIMATE);
    table.put(
        "quantiles exact / approximate",
        String.format(
            "%.1f s / %.1f s (exact: %+.1f %% of the job)",
            seconds.get(QuantileMode.EXACT),
            seconds.get(QuantileMode.APPROXIMATE),
            100 * extra / jobSeconds));
  }

  /**
   * The cost, on all buyers, of the model the job trained (on a sample above the training cap)
   * against a model trained on every buyer: how much tier quality the sample gives up.
   */
  private static void tierQuality(
      SparkSession spark, JobSettings settings, Path output, Map<String, String> table) {
    Dataset<Row> segments =
        TableOutputs.open(spark, settings.output(), "bench", false)
            .published(Catalog.CUSTOMER_SEGMENTS, settings.snapshot().asOf().orElseThrow());
    Dataset<Row> features = ValueTiers.buyerFeatures(segments).cache();
    long buyers = features.count();
    String snapshot = "snapshot_date=" + settings.snapshot().asOf().orElseThrow();
    TierSettings tiers = settings.tiers();
    TierModel used =
        ValueTiers.load(
            PipelineModel.load(output.resolve("tier_model").resolve(snapshot).toString()),
            tiers,
            Optional.empty());
    long start = System.nanoTime();
    TierModel everyone =
        ValueTiers.fit(features, buyers, tiers, settings.snapshot().asOf().orElseThrow());
    double fitSeconds = (System.nanoTime() - start) / 1e9;
    double usedCost = TierQuality.cost(features, used);
    double everyoneCost = TierQuality.cost(features, everyone);
    table.put("k-means on every buyer (for quality)", String.format("%.1f s", fitSeconds));
    table.put("cost, all buyers: job's model", String.format("%,.1f", usedCost));
    table.put("cost, all buyers: trained on all", String.format("%,.1f", everyoneCost));
    table.put(
        "job's model vs trained on all",
        String.format("%+.2f %%", 100 * (usedCost / everyoneCost - 1)));
    features.unpersist();
  }

  /**
   * DuckDB doing the work of our metrics stage: net the lines of each order, then aggregate per
   * customer, materialized as a table.
   */
  static double duckdbMetricsSeconds(Path data, String asOf, int threads) throws Exception {
    String query =
        "CREATE TABLE metrics AS " + metricsQuery("read_parquet('" + data + "/*.parquet')", asOf);
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement()) {
      statement.execute("SET threads = " + threads);
      long start = System.nanoTime();
      statement.execute(query);
      double seconds = (System.nanoTime() - start) / 1e9;
      try (ResultSet count = statement.executeQuery("SELECT count(*) FROM metrics")) {
        count.next();
      }
      return seconds;
    }
  }

  /**
   * Spark SQL running DuckDB's query on the same files, every row computed and dropped (the noop
   * sink): the floor of that work in Spark on this machine, with Spark's own plan.
   */
  static double sparkSqlMetricsSeconds(SparkSession spark, Path data, String asOf) {
    spark.read().parquet(data.toString()).createOrReplaceTempView("bench_lines");
    long start = System.nanoTime();
    spark
        .sql(metricsQuery("bench_lines", asOf))
        .write()
        .format("noop")
        .mode(SaveMode.Overwrite)
        .save();
    double seconds = (System.nanoTime() - start) / 1e9;
    spark.catalog().dropTempView("bench_lines");
    return seconds;
  }

  /** Net the lines of each order, then aggregate per customer; SQL both DuckDB and Spark run. */
  private static String metricsQuery(String lines, String asOf) {
    return """
    WITH orders AS (
      SELECT customer_id, order_id, CAST(min(order_ts) AS DATE) AS order_date, sum(amount) AS amount
      FROM %s WHERE order_ts < DATE '%s'
      GROUP BY customer_id, order_id)
    SELECT customer_id,
           min(order_date) FILTER (WHERE amount > 0) AS first_purchase_date,
           max(order_date) FILTER (WHERE amount > 0) AS last_purchase_date,
           count(*) FILTER (WHERE amount > 0) AS frequency,
           sum(amount) AS monetary,
           coalesce(sum(amount) FILTER (WHERE amount > 0), 0) AS gross_revenue,
           coalesce(-sum(amount) FILTER (WHERE amount < 0), 0) AS returns_amount
    FROM orders GROUP BY customer_id
    """
        .formatted(lines, asOf);
  }

  private static void resetPeaks() {
    ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
  }

  private static long peakHeapBytes() {
    return ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(pool -> pool.getType() == MemoryType.HEAP)
        .mapToLong(pool -> pool.getPeakUsage().getUsed())
        .sum();
  }

  private static void print(Map<String, String> table) {
    int width = table.keySet().stream().mapToInt(String::length).max().orElse(10);
    System.out.println();
    table.forEach((name, value) -> System.out.printf("%-" + width + "s  %15s%n", name, value));
  }

  private static Map<String, String> flags(String[] args) {
    Map<String, String> flags = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 == args.length) {
        throw new IllegalArgumentException(
            "usage: segments bench [--transactions N] [--customers M] [--seed S] [--work-dir DIR]"
                + " [--quantiles exact|approximate] [--tier-quality true] [--format"
                + " parquet|iceberg] [--config FILE] [--master URL] [--live-heap-every SECONDS]");
      }
      flags.put(args[i].substring(2), args[++i]);
    }
    return flags;
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> files = Files.walk(path)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
