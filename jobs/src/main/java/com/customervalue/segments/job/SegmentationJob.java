package com.customervalue.segments.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import com.customervalue.segments.config.InputSettings;
import com.customervalue.segments.config.JobSettings;
import com.customervalue.segments.ingest.IngestCounts;
import com.customervalue.segments.ingest.IngestCounts.DailyCount;
import com.customervalue.segments.ingest.InputSchemaCheck;
import com.customervalue.segments.ingest.InvalidInputException;
import com.customervalue.segments.ingest.TransactionValidation;
import com.customervalue.segments.metrics.CustomerMaster;
import com.customervalue.segments.metrics.CustomerMetrics;
import com.customervalue.segments.publish.RunRecord;
import com.customervalue.segments.publish.SnapshotPublisher;
import com.customervalue.segments.publish.SnapshotPublisher.StagedTable;
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
import java.util.stream.Collectors;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The segmentation run: reads the transactions (and the optional customer master), validates
 * them, computes per-customer metrics and publishes the snapshot's tables. The only place that
 * touches paths and the session; every computation is a stage of its own package.
 */
public final class SegmentationJob {
  public static final String CUSTOMER_SEGMENTS = "customer_segments";
  public static final String QUARANTINE = "quarantine";
  public static final String JOB_RUNS = "job_runs";

  private static final Logger LOG = LoggerFactory.getLogger(SegmentationJob.class);
  private static final DateTimeFormatter RUN_ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private SegmentationJob() {}

  /**
   * Runs the job and returns what it did. Throws {@link InvalidInputException} when the input
   * does not fit the configuration, and {@link JobFailedException} when the run fails on its
   * data (its run record is then published with status "failed").
   */
  public static RunResult run(SparkSession spark, JobSettings settings) {
    Instant startedAt = Instant.now();
    String runId = RUN_ID_TIME.format(startedAt) + "-" + UUID.randomUUID().toString().substring(0, 8);
    InputSettings input = settings.input();
    // TIMESTAMP inputs are instants; their calendar date is taken in the configured zone.
    spark.conf().set("spark.sql.session.timeZone", input.timeZone().getId());
    StageTimer timer = new StageTimer(spark.sparkContext(), 4);

    Dataset<Row> raw = readParquet(spark, input.transactionsPath(), "transactions (segments.input.path)");
    InputSchemaCheck.check(raw, input.columns(), input.transactionsPath());
    Optional<Dataset<Row>> master = input.customersPath().map(path -> readCustomerMaster(spark, path, input));
    Dataset<Row> classified = TransactionValidation.classify(
        raw, input.columns(), settings.quality().earliestDate(), col("_metadata.file_path"));

    List<DailyCount> profile = timer.time("validate", "checking every row of " + input.transactionsPath(),
        () -> dailyProfile(classified));
    LocalDate asOf = settings.snapshot().asOf()
        .or(() -> IngestCounts.dayAfterLatestValid(profile))
        .orElseThrow(() -> new JobFailedException(
            "No valid transaction in " + input.transactionsPath() + ", so there is no default as-of date: "
                + describeReasons(IngestCounts.tally(profile, LocalDate.MAX, Optional.empty())), null, null));
    int windowDays = settings.snapshot().windowDays();
    Optional<LocalDate> windowStart = windowDays == 0 ? Optional.empty() : Optional.of(asOf.minusDays(windowDays));
    IngestCounts counts = IngestCounts.tally(profile, asOf, windowStart);
    LOG.info("Snapshot {}: {} rows read, {} accepted, {} quarantined, {} on or after the as-of date",
        asOf, counts.rowsRead(), counts.rowsAccepted(), counts.rowsQuarantined(), counts.rowsAfterAsOf());

    SnapshotPublisher publisher =
        new SnapshotPublisher(spark.sparkContext().hadoopConfiguration(), settings.output().root(), runId);
    List<StagedTable> staged = new ArrayList<>();
    try {
      requireUsableInput(counts, settings, asOf);
      staged.add(timer.time("metrics", "per-customer RFM metrics as of " + asOf,
          () -> publisher.stage(customerSegments(classified, master, settings, asOf), CUSTOMER_SEGMENTS, asOf)));
      staged.add(timer.time("quarantine", "writing " + counts.rowsQuarantined() + " rejected rows",
          () -> publisher.stage(TransactionValidation.quarantined(classified, asOf), QUARANTINE, asOf)));
      Row population = spark.read().parquet(staged.get(0).stagingPath().toString())
          .agg(count(lit(1)), count(when(col(CustomerMetrics.FREQUENCY).gt(0), lit(1))))
          .first();
      long customers = population.getLong(0);
      long buyers = population.getLong(1);

      Map<String, String> published = timer.time("publish", "moving the snapshot into place", () -> {
        Map<String, String> paths = new LinkedHashMap<>();
        staged.forEach(table -> paths.put(table.table(), publisher.commit(table).toString()));
        return paths;
      });
      RunRecord record = record(runId, startedAt, RunRecord.SUCCEEDED, Optional.empty(), settings, counts,
          Optional.of(customers), Optional.of(buyers), timer.stageSeconds(), spark.version());
      published.put(JOB_RUNS, publisher.append(toDataset(spark, record), JOB_RUNS, asOf).toString());
      return new RunResult(runId, RunRecord.SUCCEEDED, Optional.of(asOf), Optional.of(counts),
          Optional.of(customers), Optional.of(buyers), published, timer.stageSeconds(),
          Duration.between(startedAt, Instant.now()));
    } catch (RuntimeException e) {
      if (!(e instanceof JobFailedException)) {
        LOG.error("Run {} failed unexpectedly", runId, e);
      }
      staged.forEach(publisher::discard);
      String reason = e.getMessage() == null ? e.toString() : e.getMessage();
      RunResult failed = new RunResult(runId, RunRecord.FAILED, Optional.of(asOf), Optional.of(counts),
          Optional.empty(), Optional.empty(), Map.of(), timer.stageSeconds(), Duration.between(startedAt, Instant.now()));
      try {
        RunRecord record = record(runId, startedAt, RunRecord.FAILED, Optional.of(reason), settings, counts,
            Optional.empty(), Optional.empty(), timer.stageSeconds(), spark.version());
        publisher.append(toDataset(spark, record), JOB_RUNS, asOf);
      } catch (RuntimeException recordFailure) {
        LOG.warn("Could not record the failed run {}: {}", runId, recordFailure.getMessage());
      }
      throw e instanceof JobFailedException ? new JobFailedException(reason, failed, e.getCause())
          : new JobFailedException(reason, failed, e);
    }
  }

  private static Dataset<Row> customerSegments(
      Dataset<Row> classified, Optional<Dataset<Row>> master, JobSettings settings, LocalDate asOf) {
    Dataset<Row> lines = TransactionValidation.accepted(classified, asOf);
    Dataset<Row> orders = settings.input().columns().orderId().isPresent()
        ? CustomerMetrics.netOrders(lines)
        : CustomerMetrics.eachLineAnOrder(lines);
    Dataset<Row> metrics = CustomerMetrics.perCustomer(orders, asOf, settings.snapshot().windowDays());
    return master.map(keyed -> CustomerMaster.attach(metrics, keyed)).orElse(metrics);
  }

  private static List<DailyCount> dailyProfile(Dataset<Row> classified) {
    return TransactionValidation.dailyProfile(classified).collectAsList().stream()
        .map(row -> new DailyCount(
            row.getString(0),
            row.isNullAt(1) ? null : row.getDate(1).toLocalDate(),
            row.getLong(2)))
        .toList();
  }

  private static void requireUsableInput(IngestCounts counts, JobSettings settings, LocalDate asOf) {
    double maxShare = settings.quality().maxQuarantinedShare();
    if (counts.quarantinedShare() > maxShare) {
      throw new JobFailedException(String.format(
          "%,d of the %,d rows before %s were quarantined (%.2f %%), more than "
              + "segments.quality.max-quarantined-share allows (%.2f %%): %s. "
              + "Fix the input, or raise the limit if this is how the data is.",
          counts.rowsQuarantined(), counts.rowsAccepted() + counts.rowsQuarantined(), asOf,
          100 * counts.quarantinedShare(), 100 * maxShare, describeReasons(counts)), null, null);
    }
    if (counts.rowsAccepted() == 0) {
      throw new JobFailedException("No transaction of " + settings.input().transactionsPath()
          + " was accepted before the as-of date " + asOf + " (" + counts.rowsRead() + " rows read, "
          + counts.rowsAfterAsOf() + " on or after it; " + describeReasons(counts) + ").", null, null);
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

  private static Dataset<Row> readParquet(SparkSession spark, String path, String what) {
    try {
      return spark.read().parquet(path);
    } catch (Exception e) { // AnalysisException, which Scala throws without declaring it
      if (!(e instanceof AnalysisException)) {
        throw e;
      }
      throw new InvalidInputException(
          "Cannot read the " + what + " at " + path + ": " + e.getMessage().lines().findFirst().orElse(""), e);
    }
  }

  private static Dataset<Row> readCustomerMaster(SparkSession spark, String path, InputSettings input) {
    Dataset<Row> master = readParquet(spark, path, "customer master (segments.input.customers-path)");
    String idColumn = input.customerMasterIdColumn();
    List<String> columns = Arrays.asList(master.columns());
    if (!columns.contains(idColumn)) {
      throw new InvalidInputException("The customer master " + path + " has no column '" + idColumn
          + "' (segments.customers.customer-id-column). Columns there: " + String.join(", ", columns) + ".");
    }
    List<String> clashes = columns.stream()
        .filter(name -> !name.equals(idColumn) && CustomerMetrics.COLUMNS.contains(name)).toList();
    if (!clashes.isEmpty()) {
      throw new InvalidInputException("The customer master " + path + " has columns named like metrics: "
          + String.join(", ", clashes) + ". Rename them so that the published table stays unambiguous.");
    }
    Dataset<Row> keyed = CustomerMaster.keyed(master, idColumn);
    List<Row> ambiguous = CustomerMaster.ambiguousIds(keyed).limit(5).collectAsList();
    if (!ambiguous.isEmpty()) {
      throw new InvalidInputException("The customer master " + path + " has duplicate, null or blank ids in '"
          + idColumn + "', e.g. " + ambiguous.stream()
              .map(row -> "'" + row.getString(0) + "' (" + row.getLong(1) + " rows)")
              .collect(Collectors.joining(", ")) + ". Each customer must appear once.");
    }
    return keyed;
  }

  private static RunRecord record(String runId, Instant startedAt, String status, Optional<String> failureReason,
      JobSettings settings, IngestCounts counts, Optional<Long> customers, Optional<Long> buyers,
      Map<String, Double> stageSeconds, String sparkVersion) {
    return new RunRecord(runId, startedAt, Instant.now(), status, failureReason,
        settings.input().transactionsPath(), settings.input().customersPath(), settings.output().root(),
        settings.configDigest(), settings.snapshot().windowDays(), counts.rowsRead(), counts.rowsAccepted(),
        counts.rowsQuarantined(), counts.rowsAfterAsOf(), counts.rowsBeforeWindow(), counts.quarantinedByReason(),
        customers, buyers, stageSeconds, sparkVersion);
  }

  private static Dataset<Row> toDataset(SparkSession spark, RunRecord record) {
    return spark.createDataFrame(List.of(record.toRow()), RunRecord.SCHEMA);
  }
}
