package com.customervalue.segments;

import com.customervalue.segments.config.InvalidSettingsException;
import com.customervalue.segments.config.JobSettings;
import com.customervalue.segments.config.SettingsLoader;
import com.customervalue.segments.generate.GeneratorSettings;
import com.customervalue.segments.ingest.IngestCounts;
import com.customervalue.segments.ingest.InvalidInputException;
import com.customervalue.segments.job.GenerateJob;
import com.customervalue.segments.job.JobFailedException;
import com.customervalue.segments.job.RunResult;
import com.customervalue.segments.job.SegmentationJob;
import com.customervalue.segments.job.SqlViews;
import java.io.File;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;

/**
 * The command-line entry point, for {@code bin/segments} and {@code spark-submit} alike: parses the
 * subcommand and flags, loads the settings, builds the Spark session and runs the job. Exit codes:
 * 0 done, 1 the run failed, 2 the command line or configuration is wrong.
 */
public final class SegmentsCli {
  static final int EXIT_OK = 0;
  static final int EXIT_FAILED = 1;
  static final int EXIT_USAGE = 2;

  static final String USAGE =
      """
      Usage: segments <command> [flags]

      Commands:
        run       compute per-customer RFM metrics and publish the snapshot's tables
        generate  write synthetic transactions (Parquet) for trying the product out
        sql       query the published tables with Spark SQL, e.g.
                  segments sql "SELECT value_tier, customers FROM tier_summary ORDER BY tier_rank"
        bench     benchmark the job on synthetic data against DuckDB (bin/segments only; see README)
        help      show this help

      run flags (each overrides the config file, which overrides reference.conf):
        --config FILE        HOCON config file (bin/segments uses conf/local.conf when not given)
        --input PATH         transactions: Parquet file, directory or glob
        --customers PATH     optional customer master (Parquet)
        --output DIR         root of the published tables
        --as-of YYYY-MM-DD   snapshot date; default: the day after the latest valid transaction
        --window-days N      measure frequency and money over the last N days (0: whole history)
        --tier-model PATH    assign tiers with a model saved by an earlier run (<output>/tier_model/...)
        --keep-snapshots N   keep the N newest snapshots of each table, delete older ones (0: all)
        --publish-jdbc URL   also copy the tables to PostgreSQL, e.g. jdbc:postgresql://host:5432/db
                             (user and password from SEGMENTS_JDBC_USER / SEGMENTS_JDBC_PASSWORD)
        --no-report          skip the HTML report (<output>/report/snapshot_date=.../index.html)
        --master URL         Spark master, e.g. local[*] (default: as spark-submit sets it)

      sql "QUERY" flags: every table is a view of its latest snapshot, <table>_history holds all
        --config FILE        the config whose segments.output.root to query (bin/segments: conf/local.conf)
        --output DIR         the output root to query instead
        --format F           table (default), csv or json (one object per line)
        --limit N            print at most N rows (default 1000)
        --master URL         Spark master

      generate flags:
        --customers N        size of the customer population (required)
        --transactions M     number of order lines to write (required)
        --output DIR         a new directory for the Parquet files (required)
        --seed S             random seed; the same seed gives the same data (default 1)
        --lines-per-order L  mean number of lines per order (default 3)
        --master URL         Spark master
      """;

  private static final Map<String, Set<String>> FLAGS =
      Map.of(
          "run",
              Set.of(
                  "config",
                  "input",
                  "customers",
                  "output",
                  "as-of",
                  "window-days",
                  "tier-model",
                  "keep-snapshots",
                  "publish-jdbc",
                  "no-report",
                  "master"),
          "generate",
              Set.of("customers", "transactions", "output", "seed", "lines-per-order", "master"),
          "sql", Set.of("config", "output", "format", "limit", "master"),
          "help", Set.of());

  private final PrintStream out;
  private final PrintStream err;

  SegmentsCli(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    // The report's charts are drawn with AWT: never look for a display on a driver.
    System.setProperty("java.awt.headless", "true");
    System.exit(new SegmentsCli(System.out, System.err).execute(args));
  }

  int execute(String[] args) {
    try {
      CommandLine commandLine = CommandLine.parse(args, FLAGS);
      return switch (commandLine.command()) {
        case "run" -> run(commandLine);
        case "generate" -> generate(commandLine);
        case "sql" -> sql(commandLine);
        default -> {
          out.print(USAGE);
          yield EXIT_OK;
        }
      };
    } catch (UsageException e) {
      err.println("segments: " + e.getMessage());
      err.print(USAGE);
      return EXIT_USAGE;
    } catch (InvalidSettingsException e) {
      err.println("segments: " + e.getMessage());
      return EXIT_USAGE;
    }
  }

  /** Loads and validates the settings for {@code run}; nothing touches Spark before this passes. */
  static JobSettings runSettings(CommandLine commandLine) {
    Map<String, String> overrides = new LinkedHashMap<>();
    commandLine.text("input").ifPresent(value -> overrides.put("segments.input.path", value));
    commandLine
        .text("customers")
        .ifPresent(value -> overrides.put("segments.input.customers-path", value));
    commandLine.text("output").ifPresent(value -> overrides.put("segments.output.root", value));
    commandLine
        .text("tier-model")
        .ifPresent(value -> overrides.put("segments.tiers.model-path", value));
    commandLine
        .text("publish-jdbc")
        .ifPresent(value -> overrides.put("segments.serving.jdbc-url", value));
    commandLine
        .wholeNumber("keep-snapshots", 0)
        .ifPresent(value -> overrides.put("segments.output.keep-snapshots", value.toString()));
    if (commandLine.has("no-report")) {
      overrides.put("segments.output.report", "false");
    }
    commandLine
        .date("as-of")
        .ifPresent(value -> overrides.put("segments.snapshot.as-of", value.toString()));
    commandLine
        .wholeNumber("window-days", 0)
        .ifPresent(value -> overrides.put("segments.snapshot.window-days", value.toString()));
    Optional<File> configFile = commandLine.text("config").map(File::new);
    return SettingsLoader.load(SettingsLoader.layered(configFile, overrides));
  }

  private int run(CommandLine commandLine) {
    JobSettings settings = runSettings(commandLine);
    SparkSession spark = session("customer-segments run", commandLine.text("master"));
    try {
      RunResult result = SegmentationJob.run(spark, settings);
      printSummary(result);
      return EXIT_OK;
    } catch (JobFailedException e) {
      e.result().ifPresent(this::printSummary);
      err.println("segments: the run failed: " + e.getMessage());
      return EXIT_FAILED;
    } catch (InvalidInputException e) {
      err.println("segments: " + e.getMessage());
      return EXIT_FAILED;
    } finally {
      spark.stop();
    }
  }

  private int sql(CommandLine commandLine) {
    String query =
        commandLine
            .argument()
            .orElseThrow(
                () ->
                    new UsageException(
                        "sql needs a query, e.g. "
                            + "segments sql \"SELECT * FROM tier_summary\""));
    ResultPrinter.Format format =
        switch (commandLine.text("format").orElse("table")) {
          case "table" -> ResultPrinter.Format.TABLE;
          case "csv" -> ResultPrinter.Format.CSV;
          case "json" -> ResultPrinter.Format.JSON;
          default ->
              throw new UsageException(
                  "--format must be table, csv or json, got '"
                      + commandLine.text("format").get()
                      + "'");
        };
    int limit = commandLine.wholeNumber("limit", 1).orElse(1000L).intValue();
    String root =
        commandLine
            .text("output")
            .orElseGet(
                () ->
                    SettingsLoader.layered(commandLine.text("config").map(File::new), Map.of())
                        .getString("segments.output.root"));
    SparkSession spark = session("customer-segments sql", commandLine.text("master"));
    try {
      SqlViews.register(spark, root);
      boolean more = ResultPrinter.print(spark.sql(query), format, limit, out);
      if (more) {
        err.println("segments: showing the first " + limit + " rows; --limit shows more");
      }
      return EXIT_OK;
    } catch (IllegalArgumentException e) {
      err.println("segments: " + e.getMessage());
      return EXIT_FAILED;
    } catch (Exception e) { // AnalysisException and ParseException, which Scala throws undeclared
      if (!(e instanceof org.apache.spark.sql.AnalysisException)) {
        throw e;
      }
      err.println(
          "segments: the query cannot run: " + e.getMessage().lines().findFirst().orElse(""));
      return EXIT_FAILED;
    } finally {
      spark.stop();
    }
  }

  private int generate(CommandLine commandLine) {
    GeneratorSettings settings;
    try {
      settings =
          new GeneratorSettings(
              commandLine
                  .wholeNumber("customers", 1)
                  .orElseThrow(() -> new UsageException("--customers is required")),
              commandLine
                  .wholeNumber("transactions", 1)
                  .orElseThrow(() -> new UsageException("--transactions is required")),
              commandLine.wholeNumber("seed", Long.MIN_VALUE).orElse(1L),
              commandLine
                  .decimalNumber("lines-per-order", 1)
                  .orElse(GeneratorSettings.DEFAULT_LINES_PER_ORDER),
              GeneratorSettings.DEFAULT_RETURN_SHARE,
              GeneratorSettings.DEFAULT_FIRST_DAY,
              GeneratorSettings.DEFAULT_LAST_DAY);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    String output = commandLine.requiredText("output");
    SparkSession spark = session("customer-segments generate", commandLine.text("master"));
    long start = System.nanoTime();
    try {
      String written = GenerateJob.run(spark, settings, output);
      out.printf(
          "Wrote %,d synthetic order lines (%,d customers in the population, seed %d) to %s in %.1f"
              + " s%n",
          settings.transactions(),
          settings.customers(),
          settings.seed(),
          written,
          (System.nanoTime() - start) / 1e9);
      return EXIT_OK;
    } catch (IllegalArgumentException e) {
      err.println("segments: " + e.getMessage());
      return EXIT_USAGE;
    } finally {
      spark.stop();
    }
  }

  private static SparkSession session(String appName, Optional<String> master) {
    SparkSession.Builder builder = SparkSession.builder().appName(appName);
    master.ifPresent(builder::master);
    return builder.getOrCreate();
  }

  private void printSummary(RunResult result) {
    out.printf(
        "%nRun %s %s in %.1f s%s%n",
        result.runId(),
        result.status(),
        result.elapsed().toMillis() / 1000.0,
        result.snapshot().map(date -> ", snapshot " + date).orElse(""));
    result.counts().ifPresent(this::printCounts);
    result.customers().ifPresent(customers -> line("customers", customers));
    result.buyers().ifPresent(buyers -> line("buyers (frequency >= 1)", buyers));
    if (!result.publishedTables().isEmpty()) {
      out.println("  tables:");
      result.publishedTables().forEach((table, path) -> out.printf("    %-20s %s%n", table, path));
    }
    out.println(
        "  seconds by stage: "
            + result.stageSeconds().entrySet().stream()
                .map(entry -> String.format("%s %.1f", entry.getKey(), entry.getValue()))
                .collect(Collectors.joining(", ")));
  }

  private void printCounts(IngestCounts counts) {
    line("rows read", counts.rowsRead());
    line("accepted", counts.rowsAccepted());
    if (counts.rowsBeforeWindow() > 0) {
      line("  of which before the window", counts.rowsBeforeWindow());
    }
    line("quarantined", counts.rowsQuarantined());
    counts.quarantinedByReason().forEach((reason, rows) -> line("  " + reason, rows));
    line("on or after the as-of date", counts.rowsAfterAsOf());
  }

  private void line(String label, long value) {
    out.printf("  %-30s %,13d%n", label, value);
  }
}
