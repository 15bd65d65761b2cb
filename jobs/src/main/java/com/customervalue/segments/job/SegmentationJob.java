package com.customervalue.segments.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import com.customervalue.segments.classify.Classifications;
import com.customervalue.segments.config.ClassificationSettings;
import com.customervalue.segments.config.InputSettings;
import com.customervalue.segments.config.JobSettings;
import com.customervalue.segments.config.ScoringSettings;
import com.customervalue.segments.config.TierSettings;
import com.customervalue.segments.distribute.SegmentSummaries;
import com.customervalue.segments.distribute.TierMigration;
import com.customervalue.segments.distribute.ValueDistribution;
import com.customervalue.segments.ingest.IngestCounts;
import com.customervalue.segments.ingest.IngestCounts.DailyCount;
import com.customervalue.segments.ingest.InputSchemaCheck;
import com.customervalue.segments.ingest.InvalidInputException;
import com.customervalue.segments.ingest.TransactionValidation;
import com.customervalue.segments.ingest.Transactions;
import com.customervalue.segments.metrics.CustomerMaster;
import com.customervalue.segments.metrics.CustomerMetrics;
import com.customervalue.segments.privacy.Pseudonyms;
import com.customervalue.segments.publish.RunRecord;
import com.customervalue.segments.publish.SnapshotPublisher;
import com.customervalue.segments.publish.SnapshotPublisher.StagedTable;
import com.customervalue.segments.report.HtmlReport;
import com.customervalue.segments.report.ReportFigures;
import com.customervalue.segments.report.ReportFigures.RunFacts;
import com.customervalue.segments.score.RfmScores;
import com.customervalue.segments.score.RfmSegments;
import com.customervalue.segments.score.ScoreBreaks;
import com.customervalue.segments.serve.PostgresServingCopy;
import com.customervalue.segments.serve.PostgresServingCopy.ServedTable;
import com.customervalue.segments.tier.TierModel;
import com.customervalue.segments.tier.TierOutcome;
import com.customervalue.segments.tier.ValueTiers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The segmentation run: reads the transactions (and the optional customer master), validates them,
 * computes per-customer metrics and publishes the snapshot's tables. The only place that touches
 * paths and the session; every computation is a stage of its own package.
 */
public final class SegmentationJob {
  public static final String CUSTOMER_SEGMENTS = "customer_segments";
  public static final String QUARANTINE = "quarantine";
  public static final String JOB_RUNS = "job_runs";
  public static final String RFM_THRESHOLDS = "rfm_thresholds";
  public static final String TIER_CENTROIDS = "tier_centroids";
  public static final String TIER_SUMMARY = "tier_summary";
  public static final String RFM_SEGMENT_SUMMARY = "rfm_segment_summary";
  public static final String VALUE_DISTRIBUTION = "value_distribution";
  public static final String TIER_MIGRATION = "tier_migration";

  /** Not a table: the fitted PipelineModel of the snapshot, reusable with --tier-model. */
  public static final String TIER_MODEL = "tier_model";

  /** Buyers the silhouette of the tier model is estimated on, at most. */
  static final long SILHOUETTE_SAMPLE = 100_000;

  /** Every output kept as one directory per snapshot (job_runs, the log of runs, is not one). */
  public static final List<String> SNAPSHOT_TABLES =
      List.of(
          CUSTOMER_SEGMENTS,
          QUARANTINE,
          RFM_THRESHOLDS,
          TIER_CENTROIDS,
          TIER_SUMMARY,
          RFM_SEGMENT_SUMMARY,
          VALUE_DISTRIBUTION,
          TIER_MIGRATION,
          TIER_MODEL);

  /** Not a table: the HTML report of the snapshot, {@code report/snapshot_date=.../index.html}. */
  public static final String REPORT = "report";

  public static final String REPORT_FILE = "index.html";

  /**
   * Every directory kept per snapshot, repaired and pruned alike: the tables, the model and the
   * report.
   */
  private static final List<String> SNAPSHOT_DIRECTORIES =
      Stream.concat(SNAPSHOT_TABLES.stream(), Stream.of(REPORT)).toList();

  /**
   * Primary keys of the tables in the PostgreSQL copy (quarantine rows have none: duplicates are
   * real).
   */
  static final Map<String, List<String>> SERVING_KEYS =
      Map.of(
          CUSTOMER_SEGMENTS, List.of("snapshot_date", "customer_id"),
          QUARANTINE, List.of(),
          RFM_THRESHOLDS, List.of("snapshot_date", "metric", "break_index"),
          TIER_CENTROIDS, List.of("snapshot_date", "value_tier"),
          TIER_SUMMARY, List.of("snapshot_date", "value_tier"),
          RFM_SEGMENT_SUMMARY, List.of("snapshot_date", "rfm_segment"),
          VALUE_DISTRIBUTION,
              List.of("snapshot_date", "metric", "value_tier", "statistic", "position"),
          TIER_MIGRATION, List.of("snapshot_date", "from_tier", "to_tier"));

  /** The indexes dashboards filter by, beside the primary keys. */
  static final Map<String, List<List<String>>> SERVING_INDEXES =
      Map.of(
          CUSTOMER_SEGMENTS,
              List.of(
                  List.of("snapshot_date", "value_tier"),
                  List.of("snapshot_date", "rfm_segment"),
                  List.of("snapshot_date", "lifecycle_status")),
          QUARANTINE, List.of(List.of("snapshot_date", "reason")));

  /** The columns customer_segments adds to the metrics, in order. */
  public static final List<String> SEGMENT_COLUMNS =
      List.of(
          RfmScores.R_SCORE,
          RfmScores.F_SCORE,
          RfmScores.M_SCORE,
          RfmScores.RFM_CELL,
          RfmSegments.RFM_SEGMENT,
          ValueTiers.VALUE_TIER,
          ValueTiers.VALUE_TIER_NAME,
          ValueTiers.TIER_RANK,
          Classifications.LIFECYCLE_STATUS,
          Classifications.VALUE_GRADE,
          Classifications.AMOUNT_LEVEL,
          Classifications.RECOMMENDED_ACTION);

  private static final Logger LOG = LoggerFactory.getLogger(SegmentationJob.class);
  private static final DateTimeFormatter RUN_ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private SegmentationJob() {}

  /**
   * Runs the job and returns what it did. Throws {@link InvalidInputException} when the input does
   * not fit the configuration, and {@link JobFailedException} when the run fails on its data (its
   * run record is then published with status "failed").
   */
  public static RunResult run(SparkSession spark, JobSettings settings) {
    Instant startedAt = Instant.now();
    String runId =
        RUN_ID_TIME.format(startedAt) + "-" + UUID.randomUUID().toString().substring(0, 8);
    InputSettings input = settings.input();
    // TIMESTAMP inputs are instants; their calendar date is taken in the configured zone.
    spark.conf().set("spark.sql.session.timeZone", input.timeZone().getId());
    // The metrics and tier features are cached and then scanned many times (k-means iterates);
    // let adaptive execution size their partitions from the data instead of keeping 200.
    spark.conf().set("spark.sql.optimizer.canChangeCachedPlanOutputPartitioning", "true");
    int stages =
        8
            + (settings.output().report() ? 1 : 0)
            + (settings.serving().jdbcUrl().isPresent() ? 1 : 0);
    StageTimer timer = new StageTimer(spark.sparkContext(), stages);

    Dataset<Row> raw =
        ParquetInput.read(spark, input.transactionsPath(), "transactions (segments.input.path)");
    InputSchemaCheck.check(raw, input.columns(), input.transactionsPath());
    Optional<Dataset<Row>> master =
        input.customersPath().map(path -> readCustomerMaster(spark, path, input));
    UnaryOperator<Column> publishedId =
        id -> settings.pseudonymKey().map(key -> Pseudonyms.keyedHash(id, key)).orElse(id);
    Dataset<Row> classified =
        TransactionValidation.classify(
            raw,
            input.columns(),
            settings.quality().earliestDate(),
            col(Transactions.INPUT_FILE),
            publishedId);

    List<DailyCount> profile =
        timer.time(
            "validate",
            "checking every row of " + input.transactionsPath(),
            () -> dailyProfile(classified));
    LocalDate asOf =
        settings
            .snapshot()
            .asOf()
            .or(() -> IngestCounts.dayAfterLatestValid(profile))
            .orElseThrow(
                () ->
                    new JobFailedException(
                        "No valid transaction in "
                            + input.transactionsPath()
                            + ", so there is no default as-of date: "
                            + describeReasons(
                                IngestCounts.tally(profile, LocalDate.MAX, Optional.empty())),
                        null,
                        null));
    int windowDays = settings.snapshot().windowDays();
    Optional<LocalDate> windowStart =
        windowDays == 0 ? Optional.empty() : Optional.of(asOf.minusDays(windowDays));
    IngestCounts counts = IngestCounts.tally(profile, asOf, windowStart);
    LOG.info(
        "Snapshot {}: {} rows read, {} accepted, {} quarantined, {} on or after the as-of date",
        asOf,
        counts.rowsRead(),
        counts.rowsAccepted(),
        counts.rowsQuarantined(),
        counts.rowsAfterAsOf());

    SnapshotPublisher publisher =
        new SnapshotPublisher(
            spark.sparkContext().hadoopConfiguration(), settings.output().root(), runId);
    List<StagedTable> staged = new ArrayList<>();
    List<Dataset<Row>> cached = new ArrayList<>();
    SNAPSHOT_DIRECTORIES.forEach(publisher::recover);
    try {
      requireUsableInput(counts, settings, asOf);
      Dataset<Row> metrics = cache(cached, customerMetrics(classified, master, settings, asOf));
      Row population =
          timer.time(
              "metrics",
              "per-customer RFM metrics as of " + asOf,
              () -> metrics.agg(count(lit(1)), count(when(RfmScores.isBuyer(), lit(1)))).first());
      long customers = population.getLong(0);
      long buyers = population.getLong(1);
      if (buyers == 0) {
        throw new JobFailedException(
            "None of the "
                + customers
                + " customers has a purchase in the window before "
                + asOf
                + " (window-days "
                + settings.snapshot().windowDays()
                + "), so there is nobody to score or tier.",
            null,
            null);
      }

      ScoringSettings scoring = settings.scoring();
      ScoreBreaks breaks =
          timer.time(
              "score",
              "R/F/M score breaks over " + buyers + " buyers",
              () ->
                  RfmScores.breaks(
                      metrics, scoring.bins(), scoring.quantiles(), scoring.relativeError()));
      Dataset<Row> features = cache(cached, ValueTiers.buyerFeatures(metrics));
      Tiering tiering =
          timer.time(
              "tier",
              "k-means value tiers (k = " + settings.tiers().k() + ")",
              () -> tiers(features, buyers, settings.tiers()));

      Dataset<Row> segments = customerSegments(metrics, breaks, tiering.model(), settings, master);
      StagedTable segmentsTable =
          timer.time(
              "segments",
              "scores, tiers and classifications of " + customers + " customers",
              () -> publisher.stage(segments, CUSTOMER_SEGMENTS, asOf));
      staged.add(segmentsTable);
      staged.add(
          timer.time(
              "quarantine",
              "writing " + counts.rowsQuarantined() + " rejected rows",
              () ->
                  publisher.stage(
                      TransactionValidation.quarantined(classified, asOf)
                          .withColumn(
                              Transactions.CUSTOMER_ID,
                              publishedId.apply(col(Transactions.CUSTOMER_ID))),
                      QUARANTINE,
                      asOf)));
      staged.addAll(
          timer.time(
              "distribute",
              "summaries, distributions and tier migration",
              () ->
                  distributions(spark, publisher, segmentsTable, breaks, tiering, scoring, asOf)));
      if (settings.output().report()) {
        RunFacts facts =
            new RunFacts(
                asOf,
                runId,
                input.transactionsPath(),
                windowDays,
                customers,
                buyers,
                counts,
                tiering.outcome());
        staged.add(
            timer.time(
                "report",
                "the HTML report with charts",
                () -> {
                  try {
                    return publisher.stage(
                        REPORT, asOf, path -> writeReport(spark, path, facts, staged));
                  } catch (VirtualMachineError e) {
                    throw e;
                  } catch (RuntimeException
                      | Error e) { // AWT throws Errors, e.g. on a machine without any font
                    throw new JobFailedException(
                        "The HTML report could not be drawn ("
                            + e
                            + "). Rerun with --no-report "
                            + "(segments.output.report = false) to publish the tables without it.",
                        null,
                        e);
                  }
                }));
      }
      Map<String, String> published =
          timer.time(
              "publish",
              "saving the tier model; the snapshot moves into place",
              () -> {
                staged.add(
                    publisher.stage(
                        TIER_MODEL, asOf, path -> saveModel(tiering.model().pipeline(), path)));
                Map<String, String> paths = new LinkedHashMap<>();
                staged.forEach(
                    table -> paths.put(table.table(), publisher.commit(table).toString()));
                if (settings.output().keepSnapshots() > 0) {
                  SNAPSHOT_DIRECTORIES.forEach(
                      table -> publisher.prune(table, settings.output().keepSnapshots()));
                }
                return paths;
              });
      RunRecord record =
          record(
              runId,
              startedAt,
              RunRecord.SUCCEEDED,
              Optional.empty(),
              settings,
              counts,
              Optional.of(customers),
              Optional.of(buyers),
              Optional.of(tiering.outcome()),
              timer.stageSeconds(),
              spark.version());
      if (settings.serving().jdbcUrl().isPresent()) {
        timer.time(
            "serve",
            "copying the snapshot to PostgreSQL schema " + settings.serving().schema(),
            () -> {
              serve(spark, publisher, settings, toDataset(spark, record), runId, asOf);
              return null;
            });
      }
      published.put(
          JOB_RUNS, publisher.append(toDataset(spark, record), JOB_RUNS, asOf).toString());
      return new RunResult(
          runId,
          RunRecord.SUCCEEDED,
          Optional.of(asOf),
          Optional.of(counts),
          Optional.of(customers),
          Optional.of(buyers),
          published,
          timer.stageSeconds(),
          Duration.between(startedAt, Instant.now()));
    } catch (RuntimeException e) {
      if (!(e instanceof JobFailedException)) {
        LOG.error("Run {} failed unexpectedly", runId, e);
      }
      staged.forEach(publisher::discard);
      String reason = e.getMessage() == null ? e.toString() : e.getMessage();
      RunResult failed =
          new RunResult(
              runId,
              RunRecord.FAILED,
              Optional.of(asOf),
              Optional.of(counts),
              Optional.empty(),
              Optional.empty(),
              Map.of(),
              timer.stageSeconds(),
              Duration.between(startedAt, Instant.now()));
      try {
        RunRecord record =
            record(
                runId,
                startedAt,
                RunRecord.FAILED,
                Optional.of(reason),
                settings,
                counts,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                timer.stageSeconds(),
                spark.version());
        publisher.append(toDataset(spark, record), JOB_RUNS, asOf);
      } catch (RuntimeException recordFailure) {
        LOG.warn("Could not record the failed run {}: {}", runId, recordFailure.getMessage());
      }
      throw e instanceof JobFailedException
          ? new JobFailedException(reason, failed, e.getCause())
          : new JobFailedException(reason, failed, e);
    } finally {
      cached.forEach(Dataset::unpersist);
    }
  }

  /**
   * The tables derived from the staged customer_segments (read back from Parquet rather than
   * recomputed): thresholds, centroids, tier and segment summaries, value distributions, and the
   * migration against the latest earlier snapshot under the same output root.
   */
  private static List<StagedTable> distributions(
      SparkSession spark,
      SnapshotPublisher publisher,
      StagedTable segmentsTable,
      ScoreBreaks breaks,
      Tiering tiering,
      ScoringSettings scoring,
      LocalDate asOf) {
    Dataset<Row> segments = spark.read().parquet(segmentsTable.stagingPath().toString());
    Dataset<Row> centroids = RunTables.centroids(spark, tiering.model(), tiering.sizes());
    Optional<LocalDate> previous =
        publisher.snapshots(CUSTOMER_SEGMENTS).stream()
            .filter(date -> date.isBefore(asOf))
            .reduce((first, second) -> second);
    Optional<Dataset<Row>> previousSegments =
        previous.map(
            date ->
                spark.read().parquet(publisher.snapshotPath(CUSTOMER_SEGMENTS, date).toString()));
    return List.of(
        publisher.stage(
            RunTables.thresholds(spark, breaks, scoring.quantiles()), RFM_THRESHOLDS, asOf),
        publisher.stage(centroids, TIER_CENTROIDS, asOf),
        publisher.stage(
            SegmentSummaries.tierSummary(segments, centroids, scoring.quantiles()),
            TIER_SUMMARY,
            asOf),
        publisher.stage(SegmentSummaries.rfmSegmentSummary(segments), RFM_SEGMENT_SUMMARY, asOf),
        publisher.stage(
            ValueDistribution.compute(segments, scoring.quantiles(), scoring.relativeError()),
            VALUE_DISTRIBUTION,
            asOf),
        publisher.stage(
            TierMigration.between(segments, previousSegments, previous), TIER_MIGRATION, asOf));
  }

  /**
   * Copies the published snapshot, read back from Parquet so that both match row for row, and this
   * run's record to PostgreSQL.
   */
  private static void serve(
      SparkSession spark,
      SnapshotPublisher publisher,
      JobSettings settings,
      Dataset<Row> runRecord,
      String runId,
      LocalDate asOf) {
    List<ServedTable> tables = new ArrayList<>();
    for (String table : SNAPSHOT_TABLES) {
      if (!table.equals(TIER_MODEL)) {
        tables.add(
            new ServedTable(
                table,
                spark.read().parquet(publisher.snapshotPath(table, asOf).toString()),
                SERVING_KEYS.get(table),
                SERVING_INDEXES.getOrDefault(table, List.of()),
                true));
      }
    }
    tables.add(
        new ServedTable(
            JOB_RUNS, runRecord, List.of("run_id"), List.of(List.of("snapshot_date")), false));
    new PostgresServingCopy(settings.serving(), runId)
        .publish(tables, asOf, settings.output().keepSnapshots());
  }

  /**
   * Renders the report from the staged tables of this snapshot into {@code directory}/index.html.
   */
  private static void writeReport(
      SparkSession spark, String directory, RunFacts facts, List<StagedTable> staged) {
    Function<String, Dataset<Row>> table =
        name ->
            staged.stream()
                .filter(candidate -> candidate.table().equals(name))
                .findFirst()
                .map(candidate -> spark.read().parquet(candidate.stagingPath().toString()))
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            "The report needs " + name + ", which was not staged"));
    ReportFigures figures =
        ReportFigures.gather(
            facts,
            table.apply(CUSTOMER_SEGMENTS),
            table.apply(TIER_SUMMARY),
            table.apply(RFM_SEGMENT_SUMMARY),
            table.apply(VALUE_DISTRIBUTION),
            table.apply(TIER_MIGRATION));
    byte[] page = HtmlReport.render(figures).getBytes(StandardCharsets.UTF_8);
    org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(directory, REPORT_FILE);
    try (FSDataOutputStream out =
        file.getFileSystem(spark.sparkContext().hadoopConfiguration()).create(file, false)) {
      out.write(page);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the report to " + file, e);
    }
  }

  /** The fitted (or reused) tier model, its quality and the buyers per cluster. */
  private record Tiering(TierModel model, TierOutcome outcome, Map<Integer, Long> sizes) {}

  private static Tiering tiers(Dataset<Row> features, long buyers, TierSettings tiers) {
    TierModel model;
    if (tiers.modelPath().isPresent()) {
      model = loadModel(tiers);
    } else {
      long profiles = ValueTiers.distinctProfiles(features, tiers.k());
      if (profiles < tiers.k()) {
        throw new JobFailedException(
            String.format(
                "The %,d buyers have only %d distinct (recency, frequency, monetary) profiles, too"
                    + " few for segments.tiers.k = %d clusters. Lower k, widen the window or add"
                    + " data.",
                buyers, profiles, tiers.k()),
            null,
            null);
      }
      boolean sampled = buyers > tiers.trainingCap();
      Dataset<Row> training =
          sampled
              ? features.sample(
                  false, Math.min(1.0, (double) tiers.trainingCap() / buyers), tiers.seed())
              : features;
      long trainingRows = sampled ? training.count() : buyers;
      LOG.info(
          "Training k-means on {} of {} buyers{}",
          trainingRows,
          buyers,
          sampled ? " (seeded sample)" : "");
      model =
          ValueTiers.fit(
              training,
              trainingRows,
              tiers.k(),
              tiers.seed(),
              tiers.maxIterations(),
              tiers.labels(),
              tiers.displayNames());
    }
    // Silhouette on a seeded sample: its estimate settles long before a million buyers.
    Dataset<Row> evaluated =
        buyers > SILHOUETTE_SAMPLE
            ? features.sample(false, (double) SILHOUETTE_SAMPLE / buyers, tiers.seed())
            : features;
    double silhouette = ValueTiers.silhouette(evaluated, model);
    LOG.info(
        "Tier model: k = {}, within-cluster cost {}, silhouette {}",
        tiers.k(),
        model.trainingCost(),
        silhouette);
    TierOutcome outcome =
        new TierOutcome(
            tiers.k(),
            silhouette,
            Double.isNaN(model.trainingCost())
                ? Optional.empty()
                : Optional.of(model.trainingCost()),
            model.trainingRows(),
            tiers.modelPath());
    return new Tiering(model, outcome, ValueTiers.clusterSizes(features, model));
  }

  private static TierModel loadModel(TierSettings tiers) {
    String path = tiers.modelPath().orElseThrow();
    PipelineModel pipeline;
    try {
      pipeline = PipelineModel.load(path);
    } catch (Exception e) { // Spark throws Hadoop's IOException and others undeclared
      throw new InvalidInputException(
          "Cannot load the tier model at "
              + path
              + " (segments.tiers.model-path, --tier-model): "
              + e.getMessage(),
          e);
    }
    try {
      return ValueTiers.load(pipeline, tiers.labels(), tiers.displayNames());
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(
          "The tier model at " + path + " cannot be used: " + e.getMessage() + ".", e);
    }
  }

  private static void saveModel(PipelineModel model, String path) {
    try {
      model.write().save(path);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot save the tier model to " + path, e);
    }
  }

  private static Dataset<Row> cache(List<Dataset<Row>> cached, Dataset<Row> data) {
    Dataset<Row> persisted = data.persist(StorageLevel.MEMORY_AND_DISK());
    cached.add(persisted);
    return persisted;
  }

  /** Per-customer metrics, with the customer master's customers and attributes when given. */
  private static Dataset<Row> customerMetrics(
      Dataset<Row> classified,
      Optional<Dataset<Row>> master,
      JobSettings settings,
      LocalDate asOf) {
    Dataset<Row> lines = TransactionValidation.accepted(classified, asOf);
    Dataset<Row> orders =
        settings.input().columns().orderId().isPresent()
            ? CustomerMetrics.netOrders(lines)
            : CustomerMetrics.eachLineAnOrder(lines);
    Dataset<Row> metrics =
        CustomerMetrics.perCustomer(orders, asOf, settings.snapshot().windowDays());
    return master.map(keyed -> CustomerMaster.attach(metrics, keyed)).orElse(metrics);
  }

  /**
   * Every column of customer_segments: metrics, scores and segment, tier, classifications,
   * attributes.
   */
  private static Dataset<Row> customerSegments(
      Dataset<Row> metrics,
      ScoreBreaks breaks,
      TierModel tierModel,
      JobSettings settings,
      Optional<Dataset<Row>> master) {
    ClassificationSettings classification = settings.classification();
    Dataset<Row> scored =
        RfmSegments.assign(RfmScores.score(metrics, breaks), settings.scoring().segmentRules());
    Dataset<Row> tiered = ValueTiers.assign(scored, tierModel);
    Dataset<Row> classified =
        Classifications.recommendedAction(
            Classifications.amountLevel(
                Classifications.valueGrade(
                    Classifications.lifecycle(tiered, classification.lifecycle()),
                    classification.valueGrades()),
                classification.amountLevels()),
            classification.playbook());
    List<String> order = new ArrayList<>(CustomerMetrics.COLUMNS);
    order.addAll(SEGMENT_COLUMNS);
    master.ifPresent(
        keyed ->
            Arrays.stream(keyed.columns()).filter(c -> !order.contains(c)).forEach(order::add));
    Dataset<Row> ordered =
        classified.select(order.stream().map(c -> col("`" + c + "`")).toArray(Column[]::new));
    return settings
        .pseudonymKey()
        .map(
            key ->
                ordered.withColumn(
                    CustomerMetrics.CUSTOMER_ID,
                    Pseudonyms.keyedHash(col(CustomerMetrics.CUSTOMER_ID), key)))
        .orElse(ordered);
  }

  private static List<DailyCount> dailyProfile(Dataset<Row> classified) {
    return TransactionValidation.dailyProfile(classified).collectAsList().stream()
        .map(
            row ->
                new DailyCount(
                    row.getString(0),
                    row.isNullAt(1) ? null : row.getDate(1).toLocalDate(),
                    row.getLong(2)))
        .toList();
  }

  private static void requireUsableInput(
      IngestCounts counts, JobSettings settings, LocalDate asOf) {
    double maxShare = settings.quality().maxQuarantinedShare();
    if (counts.quarantinedShare() > maxShare) {
      throw new JobFailedException(
          String.format(
              "%,d of the %,d rows before %s were quarantined (%.2f %%), more than "
                  + "segments.quality.max-quarantined-share allows (%.2f %%): %s. "
                  + "Fix the input, or raise the limit if this is how the data is.",
              counts.rowsQuarantined(),
              counts.rowsAccepted() + counts.rowsQuarantined(),
              asOf,
              100 * counts.quarantinedShare(),
              100 * maxShare,
              describeReasons(counts)),
          null,
          null);
    }
    if (counts.rowsAccepted() == 0) {
      throw new JobFailedException(
          "No transaction of "
              + settings.input().transactionsPath()
              + " was accepted before the as-of date "
              + asOf
              + " ("
              + counts.rowsRead()
              + " rows read, "
              + counts.rowsAfterAsOf()
              + " on or after it; "
              + describeReasons(counts)
              + ").",
          null,
          null);
    }
  }

  private static String describeReasons(IngestCounts counts) {
    if (counts.quarantinedByReason().isEmpty()) {
      return "no row quarantined";
    }
    return counts.quarantinedByReason().entrySet().stream()
        .map(entry -> String.format("%s %,d", entry.getKey(), entry.getValue()))
        .collect(Collectors.joining(", "));
  }

  private static Dataset<Row> readCustomerMaster(
      SparkSession spark, String path, InputSettings input) {
    Dataset<Row> master =
        ParquetInput.read(spark, path, "customer master (segments.input.customers-path)")
            .drop(Transactions.INPUT_FILE);
    String idColumn = input.customerMasterIdColumn();
    List<String> columns = Arrays.asList(master.columns());
    if (!columns.contains(idColumn)) {
      throw new InvalidInputException(
          "The customer master "
              + path
              + " has no column '"
              + idColumn
              + "' (segments.customers.customer-id-column). Columns there: "
              + String.join(", ", columns)
              + ".");
    }
    List<String> clashes =
        columns.stream()
            .filter(name -> !name.equals(idColumn) && CustomerMetrics.COLUMNS.contains(name))
            .toList();
    if (!clashes.isEmpty()) {
      throw new InvalidInputException(
          "The customer master "
              + path
              + " has columns named like metrics: "
              + String.join(", ", clashes)
              + ". Rename them so that the published table stays unambiguous.");
    }
    Dataset<Row> keyed = CustomerMaster.keyed(master, idColumn);
    List<Row> ambiguous = CustomerMaster.ambiguousIds(keyed).limit(5).collectAsList();
    if (!ambiguous.isEmpty()) {
      throw new InvalidInputException(
          "The customer master "
              + path
              + " has duplicate, null or blank ids in '"
              + idColumn
              + "', e.g. "
              + ambiguous.stream()
                  .map(row -> "'" + row.getString(0) + "' (" + row.getLong(1) + " rows)")
                  .collect(Collectors.joining(", "))
              + ". Each customer must appear once.");
    }
    return keyed;
  }

  private static RunRecord record(
      String runId,
      Instant startedAt,
      String status,
      Optional<String> failureReason,
      JobSettings settings,
      IngestCounts counts,
      Optional<Long> customers,
      Optional<Long> buyers,
      Optional<TierOutcome> tiers,
      Map<String, Double> stageSeconds,
      String sparkVersion) {
    return new RunRecord(
        runId,
        startedAt,
        Instant.now(),
        status,
        failureReason,
        settings.input().transactionsPath(),
        settings.input().customersPath(),
        settings.output().root(),
        settings.configDigest(),
        settings.snapshot().windowDays(),
        counts.rowsRead(),
        counts.rowsAccepted(),
        counts.rowsQuarantined(),
        counts.rowsAfterAsOf(),
        counts.rowsBeforeWindow(),
        counts.quarantinedByReason(),
        customers,
        buyers,
        tiers,
        stageSeconds,
        sparkVersion);
  }

  private static Dataset<Row> toDataset(SparkSession spark, RunRecord record) {
    return spark.createDataFrame(List.of(record.toRow()), RunRecord.SCHEMA);
  }
}
