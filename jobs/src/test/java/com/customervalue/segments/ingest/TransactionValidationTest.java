package com.customervalue.segments.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.customervalue.segments.SparkTestSession;
import com.customervalue.segments.ingest.IngestCounts.DailyCount;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class TransactionValidationTest extends SparkTestSession {
  private static final LocalDate EARLIEST = LocalDate.of(1970, 1, 1);
  private static final LocalDate AS_OF = LocalDate.of(2024, 3, 1);

  /** Order lines like Online Retail's: string ids, a wall-clock timestamp, quantity x price. */
  private static final StructType LINES =
      new StructType()
          .add("line", DataTypes.IntegerType)
          .add("customer", DataTypes.StringType)
          .add("invoice", DataTypes.StringType)
          .add("at", DataTypes.TimestampNTZType)
          .add("quantity", DataTypes.IntegerType)
          .add("price", DataTypes.DoubleType);

  private static final ColumnMapping MAPPING =
      new ColumnMapping("customer", Optional.of("invoice"), "at", "quantity * price");

  private static Row line(
      int line, String customer, String invoice, String at, Integer quantity, Double price) {
    return RowFactory.create(
        line, customer, invoice, at == null ? null : LocalDateTime.parse(at), quantity, price);
  }

  private static Dataset<Row> lines(Row... rows) {
    return spark.createDataFrame(Arrays.asList(rows), LINES);
  }

  /** The fixture's line number, read back from the raw record that validation keeps. */
  private static int lineOf(String rawRecord) {
    return Integer.parseInt(rawRecord.replaceAll("^\\{\"line\":(\\d+),.*$", "$1"));
  }

  private static Map<Integer, String> reasonByLine(Dataset<Row> raw) {
    Dataset<Row> classified =
        TransactionValidation.classify(raw, MAPPING, EARLIEST, lit("fixture.parquet"));
    Map<Integer, String> reasons = new TreeMap<>();
    for (Row row :
        classified
            .select(col(Transactions.RAW_RECORD), col(Transactions.REJECT_REASON))
            .collectAsList()) {
      reasons.put(lineOf(row.getString(0)), row.isNullAt(1) ? "valid" : row.getString(1));
    }
    return reasons;
  }

  @Test
  void eachRowGetsTheFirstReasonThatApplies() {
    Dataset<Row> raw =
        lines(
            line(1, "A", "i1", "2024-01-05T10:00", 2, 3.5),
            line(2, null, "i2", "2024-01-05T10:00", 1, 1.0),
            line(3, "   ", "i3", "2024-01-05T10:00", 1, 1.0),
            line(4, "A", null, "2024-01-05T10:00", 1, 1.0),
            line(5, "A", " ", "2024-01-05T10:00", 1, 1.0),
            line(6, "A", "i6", null, 1, 1.0),
            line(7, "A", "i7", "1969-12-31T23:59", 1, 1.0),
            line(8, "A", "i8", "2024-01-05T10:00", null, 1.0),
            line(9, "A", "i9", "2024-01-05T10:00", 1, Double.NaN),
            line(10, "A", "i10", "2024-01-05T10:00", 1, Double.POSITIVE_INFINITY),
            line(11, "A", "i11", "2024-01-05T10:00", -1, Double.POSITIVE_INFINITY),
            line(12, "A", "i12", "2024-01-05T10:00", 1, 1e15),
            line(13, null, null, null, null, null),
            line(14, "A", "i14", "2024-01-05T10:00", 0, 9.99),
            line(15, "A", "C15", "2024-01-05T10:00", -3, 2.0));

    Map<Integer, String> expected =
        new TreeMap<>(
            Map.ofEntries(
                Map.entry(1, "valid"),
                Map.entry(2, "missing_customer_id"),
                Map.entry(3, "blank_customer_id"),
                Map.entry(4, "missing_order_id"),
                Map.entry(5, "missing_order_id"),
                Map.entry(6, "missing_timestamp"),
                Map.entry(7, "timestamp_before_earliest_date"),
                Map.entry(8, "missing_amount"),
                Map.entry(9, "nan_amount"),
                Map.entry(10, "infinite_amount"),
                Map.entry(11, "infinite_amount"),
                Map.entry(12, "amount_out_of_range"),
                Map.entry(13, "missing_timestamp"),
                Map.entry(14, "valid"),
                Map.entry(15, "valid")));
    assertEquals(expected, reasonByLine(raw));
  }

  @Test
  void canonicalColumnsAreTrimmedDatedAndExact() {
    Dataset<Row> raw = lines(line(1, " 17850 ", " 536365 ", "2010-12-01T23:59:59", 6, 2.55));
    Row row =
        TransactionValidation.accepted(
                TransactionValidation.classify(raw, MAPPING, EARLIEST, lit("f")), AS_OF)
            .first();

    assertEquals("17850", row.getAs(Transactions.CUSTOMER_ID));
    assertEquals("536365", row.getAs(Transactions.ORDER_ID));
    assertEquals(Date.valueOf("2010-12-01"), row.getAs(Transactions.TRANSACTION_DATE));
    assertEquals(new BigDecimal("15.3000"), row.getAs(Transactions.AMOUNT));
  }

  @Test
  void asOfIsExclusiveAndBadRowsAfterItAreLeftOutNotQuarantined() {
    Dataset<Row> raw =
        lines(
            line(1, "A", "i1", "2024-02-29T23:59", 1, 1.0), // the day before as-of: accepted
            line(2, "A", "i2", "2024-03-01T00:00", 1, 1.0), // on as-of: left out
            line(3, null, "i3", "2024-03-05T00:00", 1, 1.0), // bad, but after as-of: left out
            line(4, null, "i4", "2024-02-01T00:00", 1, 1.0), // bad before as-of: quarantined
            line(5, "A", "i5", null, 1, 1.0)); // no date at all: quarantined
    Dataset<Row> classified = TransactionValidation.classify(raw, MAPPING, EARLIEST, lit("f"));

    Map<String, List<Integer>> lineByFate =
        classified
            .withColumn("fate", TransactionValidation.fate(AS_OF))
            .select(col("fate"), col(Transactions.RAW_RECORD))
            .collectAsList()
            .stream()
            .collect(
                Collectors.groupingBy(
                    row -> row.getString(0),
                    TreeMap::new,
                    Collectors.mapping(row -> lineOf(row.getString(1)), Collectors.toList())));
    assertEquals(
        Map.of("accepted", List.of(1), "after_as_of", List.of(2, 3), "quarantined", List.of(4, 5)),
        lineByFate);
  }

  @Test
  void countsFromTheDailyProfileReconcileWithTheRows() {
    Dataset<Row> raw =
        lines(
            line(1, "A", "i1", "2024-01-01T10:00", 1, 1.0),
            line(2, "B", "i2", "2024-02-10T10:00", 1, 1.0),
            line(3, "B", "i2", "2024-02-10T11:00", 1, 1.0),
            line(4, null, "i4", "2024-02-01T00:00", 1, 1.0),
            line(5, "A", "i5", null, 1, 1.0),
            line(6, "A", "i6", "2024-02-11T00:00", 1, Double.NaN),
            line(7, null, "i7", "2024-04-01T00:00", 1, 1.0));
    Dataset<Row> classified = TransactionValidation.classify(raw, MAPPING, EARLIEST, lit("f"));
    List<DailyCount> profile =
        TransactionValidation.dailyProfile(classified).collectAsList().stream()
            .map(
                row ->
                    new DailyCount(
                        row.getString(0),
                        row.isNullAt(1) ? null : row.getDate(1).toLocalDate(),
                        row.getLong(2)))
            .toList();

    // The latest valid row is 2024-02-10; the bad rows dated later do not move the default as-of.
    assertEquals(Optional.of(LocalDate.of(2024, 2, 11)), IngestCounts.dayAfterLatestValid(profile));

    LocalDate asOf = LocalDate.of(2024, 2, 11);
    IngestCounts counts = IngestCounts.tally(profile, asOf, Optional.of(LocalDate.of(2024, 2, 1)));
    assertEquals(7, counts.rowsRead());
    assertEquals(3, counts.rowsAccepted());
    assertEquals(
        Map.of("missing_customer_id", 1L, "missing_timestamp", 1L), counts.quarantinedByReason());
    assertEquals(2, counts.rowsAfterAsOf());
    assertEquals(1, counts.rowsBeforeWindow());
    assertEquals(
        counts.rowsRead(),
        counts.rowsAccepted() + counts.rowsQuarantined() + counts.rowsAfterAsOf());
    // The Spark filters give the same split as the tally.
    assertEquals(counts.rowsAccepted(), TransactionValidation.accepted(classified, asOf).count());
    assertEquals(
        counts.rowsQuarantined(), TransactionValidation.quarantined(classified, asOf).count());
  }

  @Test
  void quarantineRowsKeepTheWholeInputRowAndItsFile() {
    Dataset<Row> raw = lines(line(4, null, "i4", "2024-02-01T08:30", 3, 0.5));
    Row row =
        TransactionValidation.quarantined(
                TransactionValidation.classify(raw, MAPPING, EARLIEST, lit("part-0001.parquet")),
                AS_OF)
            .first();

    assertEquals("missing_customer_id", row.getAs("reason"));
    assertEquals("part-0001.parquet", row.getAs(Transactions.SOURCE_FILE));
    assertEquals(
        "{\"line\":4,\"customer\":null,\"invoice\":\"i4\",\"at\":\"2024-02-01T08:30:00.000\",\"quantity\":3,\"price\":0.5}",
        row.getAs(Transactions.RAW_RECORD));
    assertEquals(
        List.of(
            "reason",
            "source_file",
            "customer_id",
            "order_id",
            "transaction_date",
            "amount",
            "raw_record"),
        Arrays.asList(row.schema().fieldNames()));
  }

  @Test
  void timestampsAreDatedInTheSessionTimeZoneAndDatesAreTakenAsTheyAre() {
    StructType schema =
        new StructType()
            .add("customer_id", DataTypes.LongType)
            .add("at", DataTypes.TimestampType)
            .add("day", DataTypes.DateType)
            .add("amount", DataTypes.createDecimalType(10, 2));
    // A session of its own: the tests' shared session stays in UTC for the classes running beside.
    SparkSession inTokyo = spark.newSession();
    inTokyo.conf().set("spark.sql.session.timeZone", "Asia/Tokyo");
    Dataset<Row> raw =
        inTokyo.createDataFrame(
            List.of(
                RowFactory.create(
                    7L,
                    Timestamp.from(Instant.parse("2024-01-01T23:30:00Z")),
                    Date.valueOf("2024-05-05"),
                    new BigDecimal("12.34"))),
            schema);

    Row tokyo =
        TransactionValidation.classify(
                raw,
                new ColumnMapping("customer_id", Optional.empty(), "at", "amount"),
                EARLIEST,
                lit("f"))
            .first();
    assertEquals(Date.valueOf("2024-01-02"), tokyo.getAs(Transactions.TRANSACTION_DATE));
    assertEquals(7L, (Long) tokyo.getAs(Transactions.CUSTOMER_ID));
    Row byDate =
        TransactionValidation.classify(
                raw,
                new ColumnMapping("customer_id", Optional.empty(), "day", "amount"),
                EARLIEST,
                lit("f"))
            .first();
    assertEquals(Date.valueOf("2024-05-05"), byDate.getAs(Transactions.TRANSACTION_DATE));
  }

  @Test
  void missingColumnNamesItselfItsKeyAndTheColumnsThere() {
    ColumnMapping mapping =
        new ColumnMapping("customer_id", Optional.of("invoice"), "at", "quantity * price");
    String message =
        assertThrows(
                InvalidInputException.class,
                () -> InputSchemaCheck.check(lines(), mapping, "/data/lines.parquet"))
            .getMessage();
    assertEquals(
        "/data/lines.parquet has no column 'customer_id' (segments.input.columns.customer-id)."
            + " Columns there: line INT, customer STRING, invoice STRING, at TIMESTAMP_NTZ,"
            + " quantity INT, price DOUBLE.",
        message);
  }

  @Test
  void wrongTypeNamesColumnFoundAndExpected() {
    String timestamp =
        assertThrows(
                InvalidInputException.class,
                () ->
                    InputSchemaCheck.check(
                        lines(),
                        new ColumnMapping("customer", Optional.empty(), "invoice", "price"),
                        "in.parquet"))
            .getMessage();
    assertEquals(
        "Column 'invoice' (segments.input.columns.timestamp) in in.parquet has type STRING; "
            + "expected TIMESTAMP, TIMESTAMP_NTZ or DATE.",
        timestamp);

    String customer =
        assertThrows(
                InvalidInputException.class,
                () ->
                    InputSchemaCheck.check(
                        lines(),
                        new ColumnMapping("price", Optional.empty(), "at", "price"),
                        "in.parquet"))
            .getMessage();
    assertEquals(
        "Column 'price' (segments.input.columns.customer-id) in in.parquet has type DOUBLE; "
            + "expected an integer or string type (INT, BIGINT, STRING, DECIMAL(p,0)).",
        customer);

    String amount =
        assertThrows(
                InvalidInputException.class,
                () ->
                    InputSchemaCheck.check(
                        lines(),
                        new ColumnMapping("customer", Optional.empty(), "at", "invoice"),
                        "in.parquet"))
            .getMessage();
    assertEquals(
        "The amount 'invoice' (segments.input.columns.amount) in in.parquet has type STRING; "
            + "expected a numeric type (INT, BIGINT, DOUBLE, DECIMAL(p,s)).",
        amount);
  }

  @Test
  void amountExpressionOverMissingColumnsIsExplained() {
    String message =
        assertThrows(
                InvalidInputException.class,
                () ->
                    InputSchemaCheck.check(
                        lines(),
                        new ColumnMapping(
                            "customer", Optional.empty(), "at", "quantity * unit_price"),
                        "in.parquet"))
            .getMessage();
    assertTrue(
        message.startsWith(
            "The amount 'quantity * unit_price' (segments.input.columns.amount) cannot be evaluated"
                + " on in.parquet: "),
        message);
    assertTrue(message.contains("unit_price"), message);
    assertTrue(
        message.endsWith(
            "Columns there: line INT, customer STRING, invoice STRING, at TIMESTAMP_NTZ, quantity"
                + " INT, price DOUBLE."),
        message);
  }

  @Test
  void aMappingThatFitsPasses() {
    InputSchemaCheck.check(lines(), MAPPING, "in.parquet");
  }

  /**
   * A transaction attribute's value per customer: the most frequent, ties to the smallest in the
   * column's own order (9 before 10, which as text would sort after it), nulls ignored; only
   * accepted rows before the as-of date count, and the attributes ride along only when asked for.
   */
  @Test
  void eachCustomersAttributeIsTheirMostFrequentValueTiesToTheSmallest() {
    Dataset<Row> raw =
        spark.sql(
            "SELECT customer_id, order_ts, amount, size, channel FROM VALUES"
                + " ('a', timestamp'2024-01-01 10:00:00', 1.0D, 10, 'web'),"
                + " ('a', timestamp'2024-01-02 10:00:00', 1.0D, 9, 'web'),"
                + " ('b', timestamp'2024-01-01 10:00:00', 1.0D, 10, NULL),"
                + " ('b', timestamp'2024-01-02 10:00:00', 1.0D, 10, NULL),"
                + " ('b', timestamp'2024-01-03 10:00:00', 1.0D, 9, 'store'),"
                + " ('b', timestamp'2024-05-01 10:00:00', 1.0D, 9, 'store'),"
                + " ('b', timestamp'2024-05-02 10:00:00', 1.0D, 9, 'store'),"
                + " ('b', timestamp'2024-01-04 10:00:00', CAST(NULL AS DOUBLE), 9, 'store'),"
                + " ('c', timestamp'2024-01-01 10:00:00', 1.0D, NULL, NULL)"
                + " AS t(customer_id, order_ts, amount, size, channel)");
    ColumnMapping mapping =
        new ColumnMapping("customer_id", Optional.empty(), "order_ts", "amount");
    assertTrue(
        !Arrays.asList(TransactionValidation.classify(raw, mapping, EARLIEST, lit("f")).columns())
            .contains(Transactions.ATTRIBUTES),
        "no attribute is carried unless a breakdown asks for it");
    Dataset<Row> classified =
        TransactionValidation.classify(
            raw, mapping, EARLIEST, lit("f"), id -> id, List.of("size", "channel"));
    Dataset<Row> modal =
        TransactionAttributes.modalValues(
            TransactionValidation.acceptedAttributes(classified, AS_OF),
            List.of("size", "channel"));
    assertEquals(TransactionAttributes.SCHEMA.simpleString(), modal.schema().simpleString());
    assertEquals(
        List.of("a/channel=web", "a/size=9", "b/channel=store", "b/size=10"),
        modal.orderBy("customer_id", "attribute").collectAsList().stream()
            .map(row -> row.getString(0) + "/" + row.getString(1) + "=" + row.getString(2))
            .toList());
  }
}
