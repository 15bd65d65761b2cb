package com.customervalue.segments;

import com.customervalue.segments.config.ConfigLayers;
import com.customervalue.segments.config.InvalidSettingsException;
import com.customervalue.segments.generate.GammaGammaSpend;
import com.customervalue.segments.generate.GeneratorSettings;
import com.customervalue.segments.generate.ModelGeneratorSettings;
import com.customervalue.segments.generate.PurchaseModel;
import com.customervalue.segments.ingest.InvalidInputException;
import com.customervalue.segments.job.GenerateJob;
import com.customervalue.segments.job.JobFailedException;
import com.customervalue.segments.job.JobSettings;
import com.customervalue.segments.job.RunResult;
import com.customervalue.segments.job.SegmentationJob;
import com.customervalue.segments.job.SqlViews;
import com.customervalue.segments.publish.OutputSettings;
import java.io.File;
import java.io.PrintStream;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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
      """
          + RunFlag.ALL.stream().map(RunFlag::usageLines).collect(Collectors.joining())
          + """

          sql "QUERY" flags: every table is a view of its latest snapshot, <table>_history holds all
            --config FILE        the config whose segments.output.root to query (bin/segments: conf/local.conf)
            --output DIR         the output root to query instead
            --format F           table (default), csv or json (one object per line)
            --limit N            print at most N rows (default 1000)
            --master URL         Spark master

          generate flags:
            --customers N        size of the customer population (required)
            --transactions M     number of order lines to write (required without --model)
            --output DIR         a new directory for the Parquet files (required)
            --seed S             random seed; the same seed gives the same data (default 1)
            --lines-per-order L  mean number of lines per order (default 3; not with --model)
            --model M            draw the N customers from a buy-till-you-die model instead: bgnbd
                                 or pareto-nbd, with Gamma-Gamma spend; one line per purchase day,
                                 as many purchases as the model draws (so no --transactions)
            --bgnbd r,alpha,a,b  BG/NBD parameters, in weeks (default CDNOW's 0.2426,4.414,0.7929,2.426)
            --pareto-nbd r,alpha,s,beta
                                 Pareto/NBD parameters, in weeks (default CDNOW's 0.5534,10.58,0.6061,11.66)
            --gamma-gamma p,q,gamma
                                 spend per purchase (default CDNOW's 6.25,3.74,15.44)
            --master URL         Spark master
          """;

  private static final Map<String, Set<String>> FLAGS =
      Map.of(
          "run", Set.copyOf(RunFlag.names()),
          "generate",
              Set.of(
                  "customers",
                  "transactions",
                  "output",
                  "seed",
                  "lines-per-order",
                  "model",
                  "bgnbd",
                  "pareto-nbd",
                  "gamma-gamma",
                  "master"),
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
      CommandLine commandLine = CommandLine.parse(args, FLAGS, Set.copyOf(RunFlag.switches()));
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
    Optional<File> configFile = commandLine.text("config").map(File::new);
    return JobSettings.load(ConfigLayers.layered(configFile, runOverrides(commandLine)));
  }

  /** The settings the flags of a {@code run} command line override, checked by kind. */
  static Map<String, String> runOverrides(CommandLine commandLine) {
    Map<String, String> overrides = new LinkedHashMap<>();
    for (RunFlag flag : RunFlag.ALL) {
      Optional<String> value =
          switch (flag.kind()) {
            case TEXT -> commandLine.text(flag.name());
            case DATE -> commandLine.date(flag.name()).map(LocalDate::toString);
            case COUNT -> commandLine.wholeNumber(flag.name(), 0).map(String::valueOf);
            case SWITCH_OFF ->
                commandLine.has(flag.name()) ? Optional.of("false") : Optional.empty();
            case SWITCH_ON -> commandLine.has(flag.name()) ? Optional.of("true") : Optional.empty();
          };
      flag.setting().ifPresent(setting -> value.ifPresent(v -> overrides.put(setting, v)));
    }
    return overrides;
  }

  private int run(CommandLine commandLine) {
    JobSettings settings = runSettings(commandLine);
    try (CommandSession session = session("customer-segments run", commandLine.text("master"))) {
      RunResult result = SegmentationJob.run(session.spark(), settings);
      RunSummary.print(result, out);
      return EXIT_OK;
    } catch (JobFailedException e) {
      e.result().ifPresent(result -> RunSummary.print(result, out));
      err.println("segments: the run failed: " + e.getMessage());
      return EXIT_FAILED;
    } catch (InvalidInputException e) {
      err.println("segments: " + e.getMessage());
      return EXIT_FAILED;
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
    OutputSettings output =
        OutputSettings.from(
            ConfigLayers.layered(
                commandLine.text("config").map(File::new),
                commandLine
                    .text("output")
                    .map(root -> Map.of("segments.output.root", root))
                    .orElse(Map.of())),
            System.getenv());
    try (CommandSession session = session("customer-segments sql", commandLine.text("master"))) {
      SparkSession spark = session.spark();
      SqlViews.register(spark, output);
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
    }
  }

  private int generate(CommandLine commandLine) {
    if (commandLine.has("model")) {
      return generateFromModel(commandLine);
    }
    for (String flag : List.of("bgnbd", "pareto-nbd", "gamma-gamma")) {
      if (commandLine.has(flag)) {
        throw new UsageException("--" + flag + " applies only with --model");
      }
    }
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
    GeneratorSettings generated = settings;
    return writeGenerated(
        commandLine,
        (spark, output) -> GenerateJob.run(spark, generated, output),
        (spark, written) ->
            String.format(
                "%,d synthetic order lines (%,d customers in the population, seed %d)",
                generated.transactions(), generated.customers(), generated.seed()));
  }

  private int generateFromModel(CommandLine commandLine) {
    String model = commandLine.requiredText("model");
    if (commandLine.has("transactions")) {
      throw new UsageException(
          "--transactions does not apply with --model: each customer buys as often as the model"
              + " draws; --customers sets the size");
    }
    if (commandLine.has("lines-per-order")) {
      throw new UsageException("--lines-per-order does not apply with --model: an order is a line");
    }
    ModelGeneratorSettings settings;
    try {
      PurchaseModel purchases =
          switch (model) {
            case "bgnbd" -> {
              refuseOtherModelsParameters(commandLine, model, "pareto-nbd");
              yield commandLine
                  .numbers("bgnbd", "r", "alpha", "a", "b")
                  .map(v -> (PurchaseModel) new PurchaseModel.BgNbd(v[0], v[1], v[2], v[3]))
                  .orElse(PurchaseModel.BgNbd.CDNOW);
            }
            case "pareto-nbd" -> {
              refuseOtherModelsParameters(commandLine, model, "bgnbd");
              yield commandLine
                  .numbers("pareto-nbd", "r", "alpha", "s", "beta")
                  .map(v -> (PurchaseModel) new PurchaseModel.ParetoNbd(v[0], v[1], v[2], v[3]))
                  .orElse(PurchaseModel.ParetoNbd.CDNOW);
            }
            default ->
                throw new UsageException(
                    "--model must be bgnbd or pareto-nbd, got '" + model + "'");
          };
      GammaGammaSpend spend =
          commandLine
              .numbers("gamma-gamma", "p", "q", "gamma")
              .map(v -> new GammaGammaSpend(v[0], v[1], v[2]))
              .orElse(GammaGammaSpend.CDNOW);
      settings =
          new ModelGeneratorSettings(
              commandLine
                  .wholeNumber("customers", 1)
                  .orElseThrow(() -> new UsageException("--customers is required")),
              commandLine.wholeNumber("seed", Long.MIN_VALUE).orElse(1L),
              purchases,
              spend,
              GeneratorSettings.DEFAULT_FIRST_DAY,
              GeneratorSettings.DEFAULT_LAST_DAY);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    ModelGeneratorSettings drawn = settings;
    return writeGenerated(
        commandLine,
        (spark, output) -> GenerateJob.run(spark, drawn, output),
        (spark, written) ->
            String.format(
                "%,d order lines of %,d customers drawn from %s with %s spend (seed %d)",
                spark.read().parquet(written).count(),
                drawn.customers(),
                drawn.purchases(),
                drawn.spend(),
                drawn.seed()));
  }

  /**
   * Writes generated data to --output in a session of its own and says what it wrote (described
   * after the timing stops, so a count of the output is not timed), or why it could not.
   */
  private int writeGenerated(
      CommandLine commandLine,
      BiFunction<SparkSession, String, String> write,
      BiFunction<SparkSession, String, String> describe) {
    String output = commandLine.requiredText("output");
    try (CommandSession session =
        session("customer-segments generate", commandLine.text("master"))) {
      SparkSession spark = session.spark();
      long start = System.nanoTime();
      String written = write.apply(spark, output);
      double seconds = (System.nanoTime() - start) / 1e9;
      out.printf("Wrote %s to %s in %.1f s%n", describe.apply(spark, written), written, seconds);
      return EXIT_OK;
    } catch (IllegalArgumentException e) {
      err.println("segments: " + e.getMessage());
      return EXIT_USAGE;
    }
  }

  private static void refuseOtherModelsParameters(
      CommandLine commandLine, String model, String otherModel) {
    if (commandLine.has(otherModel)) {
      throw new UsageException("--" + otherModel + " does not apply with --model " + model);
    }
  }

  /**
   * A command's Spark session. A command run from an application that already has one (a notebook,
   * a test) uses it and leaves it running; a session the command started, it stops.
   */
  private record CommandSession(SparkSession spark, boolean started) implements AutoCloseable {
    @Override
    public void close() {
      if (started) {
        spark.stop();
      }
    }
  }

  private static CommandSession session(String appName, Optional<String> master) {
    // What getOrCreate returns when there is one: the thread's running session, else the default.
    Optional<SparkSession> callers =
        Stream.of(SparkSession.getActiveSession(), SparkSession.getDefaultSession())
            .filter(scala.Option::isDefined)
            .map(scala.Option::get)
            .filter(session -> !session.sparkContext().isStopped())
            .findFirst();
    SparkSession.Builder builder = SparkSession.builder().appName(appName);
    master.ifPresent(builder::master);
    SparkSession spark = builder.getOrCreate();
    return new CommandSession(spark, callers.map(session -> session != spark).orElse(true));
  }
}
