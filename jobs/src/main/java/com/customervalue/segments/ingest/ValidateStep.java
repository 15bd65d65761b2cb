package com.customervalue.segments.ingest;

import static org.apache.spark.sql.functions.col;

import com.customervalue.segments.ingest.IngestCounts.DailyCount;
import com.customervalue.segments.pipeline.Key;
import com.customervalue.segments.pipeline.RunState;
import com.customervalue.segments.pipeline.Step;
import com.customervalue.segments.pipeline.StepFailedException;
import com.customervalue.segments.privacy.PrivacySettings;
import com.customervalue.segments.privacy.Pseudonyms;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first step: reads the transactions and the optional customer master, checks their shape,
 * gives every row its fate, settles the as-of date and checks that the input is fit to segment. It
 * is also the one place customer ids are pseudonymized, so that nothing after it sees a real id.
 */
public final class ValidateStep implements Step {
  public static final Key<Ingested> INGESTED = Key.of("the validated input", Ingested.class);
  private static final Logger LOG = LoggerFactory.getLogger(ValidateStep.class);

  private final InputSettings input;
  private final QualitySettings quality;
  private final SnapshotSettings snapshot;
  private final PrivacySettings privacy;
  private final BreakdownSettings breakdowns;

  public ValidateStep(
      InputSettings input,
      QualitySettings quality,
      SnapshotSettings snapshot,
      PrivacySettings privacy) {
    this(input, quality, snapshot, privacy, BreakdownSettings.NONE);
  }

  public ValidateStep(
      InputSettings input,
      QualitySettings quality,
      SnapshotSettings snapshot,
      PrivacySettings privacy,
      BreakdownSettings breakdowns) {
    this.input = input;
    this.quality = quality;
    this.snapshot = snapshot;
    this.privacy = privacy;
    this.breakdowns = breakdowns;
  }

  @Override
  public String name() {
    return "validate";
  }

  @Override
  public String description(RunState state) {
    return "checking every row of " + input.transactionsPath();
  }

  @Override
  public void run(RunState state) {
    SparkSession spark = state.spark();
    // TIMESTAMP inputs are instants; their calendar date is taken in the configured zone.
    spark.conf().set("spark.sql.session.timeZone", input.timeZone().getId());
    String path = input.transactionsPath();
    Dataset<Row> raw = ParquetInput.read(spark, path, "transactions (segments.input.path)");
    InputSchemaCheck.check(raw, input.columns(), path);
    UnaryOperator<Column> publishedId = Pseudonyms.publishedIds(privacy.pseudonymKey());
    Optional<Dataset<Row>> master =
        input.customersPath().map(customers -> customerMaster(spark, customers, publishedId));
    BreakdownColumns breakdownColumns =
        BreakdownColumns.resolve(
            breakdowns,
            master.map(
                keyed ->
                    Arrays.stream(keyed.columns())
                        .filter(name -> !name.equals(Transactions.CUSTOMER_ID))
                        .toList()),
            List.of(raw.columns()),
            input.columns().customerId(),
            path,
            input.customersPath());
    Dataset<Row> classified =
        TransactionValidation.classify(
            raw,
            input.columns(),
            quality.earliestDate(),
            col(Transactions.INPUT_FILE),
            publishedId,
            breakdownColumns.fromTransactions());

    List<DailyCount> profile = dailyProfile(classified);
    LocalDate asOf =
        snapshot
            .asOf()
            .or(() -> IngestCounts.dayAfterLatestValid(profile))
            .orElseThrow(
                () ->
                    new StepFailedException(
                        "No valid transaction in "
                            + path
                            + ", so there is no default as-of date: "
                            + IngestCounts.tally(profile, LocalDate.MAX, Optional.empty())
                                .describeReasons()));
    int windowDays = snapshot.windowDays();
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
    state.put(
        INGESTED,
        new Ingested(
            path,
            input.columns().orderId().isPresent(),
            classified,
            master,
            asOf,
            windowDays,
            counts,
            breakdownColumns));

    InputChecks.quarantinedShare(counts, quality.maxQuarantinedShare(), asOf).orStop();
    InputChecks.someAccepted(counts, path, asOf).orStop();
  }

  /** The keyed master, checked on the ids as given, then with the ids as published. */
  private Dataset<Row> customerMaster(
      SparkSession spark, String path, UnaryOperator<Column> publishedId) {
    Dataset<Row> master =
        ParquetInput.read(spark, path, "customer master (segments.input.customers-path)")
            .drop(Transactions.INPUT_FILE);
    String idColumn = input.customerMasterIdColumn();
    CustomerMasterInput.checkColumns(master, idColumn, path).orThrow(InvalidInputException::new);
    Dataset<Row> keyed = CustomerMasterInput.keyed(master, idColumn);
    CustomerMasterInput.checkIds(keyed, idColumn, path).orThrow(InvalidInputException::new);
    return keyed.withColumn(
        Transactions.CUSTOMER_ID, publishedId.apply(col(Transactions.CUSTOMER_ID)));
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
}
