package com.customervalue.segments.ingest;

import static com.customervalue.segments.ingest.Transactions.AMOUNT;
import static com.customervalue.segments.ingest.Transactions.AMOUNT_TYPE;
import static com.customervalue.segments.ingest.Transactions.ATTRIBUTES;
import static com.customervalue.segments.ingest.Transactions.CUSTOMER_ID;
import static com.customervalue.segments.ingest.Transactions.ORDER_ID;
import static com.customervalue.segments.ingest.Transactions.RAW_RECORD;
import static com.customervalue.segments.ingest.Transactions.REJECT_REASON;
import static com.customervalue.segments.ingest.Transactions.SOURCE_FILE;
import static com.customervalue.segments.ingest.Transactions.TRANSACTION_DATE;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * Turns raw transaction rows into canonical ones and decides each row's fate: accepted, quarantined
 * with a {@link RejectReason}, or left out because it is dated on or after the as-of date. Every
 * row gets exactly one fate, so the counts always reconcile.
 */
public final class TransactionValidation {
  /** Values of the fate a row gets once the as-of date is known. */
  public static final String ACCEPTED = "accepted";

  public static final String QUARANTINED = "quarantined";
  public static final String AFTER_AS_OF = "after_as_of";

  /** Columns of the daily profile: reject reason (null = valid), date, number of rows. */
  public static final String ROWS = "rows";

  private TransactionValidation() {}

  /**
   * Maps {@code raw} (already checked by {@link InputSchemaCheck}) onto the canonical columns of
   * {@link Transactions}, with the first {@link RejectReason} that applies to each row. Dates of
   * TIMESTAMP columns are taken in the session time zone; {@code sourceFile} says where a row came
   * from (e.g. {@code col("_metadata.file_path")}).
   */
  public static Dataset<Row> classify(
      Dataset<Row> raw, ColumnMapping columns, LocalDate earliestDate, Column sourceFile) {
    return classify(raw, columns, earliestDate, sourceFile, UnaryOperator.identity());
  }

  /**
   * As {@link #classify(Dataset, ColumnMapping, LocalDate, Column)}, with the customer id, in its
   * column and inside the raw record, replaced by {@code publishedId} of the (trimmed) id, e.g. a
   * pseudonym. The reject reasons still look at the id as given.
   */
  public static Dataset<Row> classify(
      Dataset<Row> raw,
      ColumnMapping columns,
      LocalDate earliestDate,
      Column sourceFile,
      UnaryOperator<Column> publishedId) {
    return classify(raw, columns, earliestDate, sourceFile, publishedId, List.of());
  }

  /**
   * As {@link #classify(Dataset, ColumnMapping, LocalDate, Column, UnaryOperator)}, carrying the
   * raw {@code attributeColumns} (breakdown attributes of the transactions) as they are in the
   * struct {@link Transactions#ATTRIBUTES}; without any, there is no such column, so a run without
   * transaction breakdowns reads no extra column.
   */
  public static Dataset<Row> classify(
      Dataset<Row> raw,
      ColumnMapping columns,
      LocalDate earliestDate,
      Column sourceFile,
      UnaryOperator<Column> publishedId,
      List<String> attributeColumns) {
    DataType customerType = typeOf(raw, columnRef(columns.customerId()));
    Column rawCustomerId = columnRef(columns.customerId());
    Column customerId = isString(customerType) ? trim(rawCustomerId) : rawCustomerId;
    Column customerIdBlank = isString(customerType) ? customerId.equalTo("") : lit(false);

    Column orderId = lit(null).cast(DataTypes.StringType);
    Column orderIdMissing = lit(false);
    if (columns.orderId().isPresent()) {
      Column rawOrderId = columnRef(columns.orderId().get());
      boolean stringOrderId = isString(typeOf(raw, rawOrderId));
      orderId = stringOrderId ? trim(rawOrderId) : rawOrderId;
      orderIdMissing = stringOrderId ? orderId.isNull().or(orderId.equalTo("")) : orderId.isNull();
    }

    Column timestamp = columnRef(columns.timestamp());
    DataType timestampType = typeOf(raw, timestamp);
    Column date =
        timestampType.equals(DataTypes.TimestampType)
            ? CalendarDates.of(timestamp, sessionZone(raw))
            : timestamp.cast(DataTypes.DateType);

    Column rawAmount = amountColumn(raw, columns.amountExpression());
    DataType amountType = typeOf(raw, rawAmount);
    boolean floating =
        amountType.equals(DataTypes.DoubleType) || amountType.equals(DataTypes.FloatType);
    Column notANumber = floating ? isnan(rawAmount) : lit(false);
    Column infinite =
        floating
            ? rawAmount
                .equalTo(lit(Double.POSITIVE_INFINITY))
                .or(rawAmount.equalTo(lit(Double.NEGATIVE_INFINITY)))
            : lit(false);
    // NaN and infinity are caught before the cast, so try_cast is null only when out of range.
    Column amount =
        when(notANumber.or(infinite), lit(null)).otherwise(rawAmount.try_cast(AMOUNT_TYPE));

    Column reason =
        when(timestamp.isNull(), RejectReason.MISSING_TIMESTAMP.code())
            .when(
                date.lt(lit(Date.valueOf(earliestDate))),
                RejectReason.TIMESTAMP_BEFORE_EARLIEST_DATE.code())
            .when(rawCustomerId.isNull(), RejectReason.MISSING_CUSTOMER_ID.code())
            .when(customerIdBlank, RejectReason.BLANK_CUSTOMER_ID.code())
            .when(orderIdMissing, RejectReason.MISSING_ORDER_ID.code())
            .when(rawAmount.isNull(), RejectReason.MISSING_AMOUNT.code())
            .when(notANumber, RejectReason.NAN_AMOUNT.code())
            .when(infinite, RejectReason.INFINITE_AMOUNT.code())
            .when(amount.isNull(), RejectReason.AMOUNT_OUT_OF_RANGE.code());

    Column recordId = publishedId.apply(customerId);
    Column[] rawColumns =
        Arrays.stream(raw.columns())
            .filter(name -> !name.equals(Transactions.INPUT_FILE))
            .map(name -> name.equals(columns.customerId()) ? recordId.as(name) : columnRef(name))
            .toArray(Column[]::new);
    List<Column> canonical =
        new ArrayList<>(
            List.of(
                recordId.as(CUSTOMER_ID),
                orderId.as(ORDER_ID),
                date.as(TRANSACTION_DATE),
                amount.as(AMOUNT),
                reason.as(REJECT_REASON),
                sourceFile.cast(DataTypes.StringType).as(SOURCE_FILE),
                // Nulls are written out: a quarantined row must show the null that got it
                // quarantined.
                to_json(struct(rawColumns), Map.of("ignoreNullFields", "false")).as(RAW_RECORD)));
    if (!attributeColumns.isEmpty()) {
      canonical.add(
          struct(
                  attributeColumns.stream()
                      .map(name -> columnRef(name).as(name))
                      .toArray(Column[]::new))
              .as(ATTRIBUTES));
    }
    return raw.select(canonical.toArray(Column[]::new));
  }

  /**
   * Rows per (reject reason, date): enough to count every fate for any as-of date and window, and
   * small (days x reasons) whatever the number of rows.
   */
  public static Dataset<Row> dailyProfile(Dataset<Row> classified) {
    return classified
        .groupBy(col(REJECT_REASON), col(TRANSACTION_DATE))
        .agg(count(lit(1)).as(ROWS));
  }

  /**
   * A row's fate once the as-of date is known. {@link IngestCounts#tally} applies the same rule to
   * the daily profile; the two must agree.
   */
  public static Column fate(LocalDate asOf) {
    Column reason = col(REJECT_REASON);
    Object[] timestampReasons =
        Arrays.stream(RejectReason.values())
            .filter(RejectReason::concernsTimestamp)
            .map(RejectReason::code)
            .toArray();
    return when(reason.isin(timestampReasons), QUARANTINED)
        .when(col(TRANSACTION_DATE).geq(lit(Date.valueOf(asOf))), AFTER_AS_OF)
        .when(reason.isNotNull(), QUARANTINED)
        .otherwise(ACCEPTED);
  }

  /** Valid rows dated before {@code asOf}: customer id, order id, date, amount. */
  public static Dataset<Row> accepted(Dataset<Row> classified, LocalDate asOf) {
    return classified
        .filter(fate(asOf).equalTo(ACCEPTED))
        .select(col(CUSTOMER_ID), col(ORDER_ID), col(TRANSACTION_DATE), col(AMOUNT));
  }

  /**
   * Valid rows dated before {@code asOf} with the carried attributes: customer id and {@link
   * Transactions#ATTRIBUTES}.
   */
  public static Dataset<Row> acceptedAttributes(Dataset<Row> classified, LocalDate asOf) {
    return classified
        .filter(fate(asOf).equalTo(ACCEPTED))
        .select(col(CUSTOMER_ID), col(ATTRIBUTES));
  }

  /** Rejected rows in scope of {@code asOf}, in the shape of the {@code quarantine} table. */
  public static Dataset<Row> quarantined(Dataset<Row> classified, LocalDate asOf) {
    return classified
        .filter(fate(asOf).equalTo(QUARANTINED))
        .select(
            col(REJECT_REASON).as("reason"),
            col(SOURCE_FILE),
            col(CUSTOMER_ID).cast(DataTypes.StringType).as(CUSTOMER_ID),
            col(ORDER_ID).cast(DataTypes.StringType).as(ORDER_ID),
            col(TRANSACTION_DATE),
            col(AMOUNT),
            col(RAW_RECORD));
  }

  private static Column amountColumn(Dataset<Row> raw, String amountExpression) {
    boolean isColumn = Arrays.asList(raw.columns()).contains(amountExpression);
    return isColumn ? columnRef(amountExpression) : expr(amountExpression);
  }

  /** The zone {@code to_date} would take dates in: the session's, set by the validate step. */
  private static ZoneId sessionZone(Dataset<Row> raw) {
    return ZoneId.of(raw.sparkSession().conf().get("spark.sql.session.timeZone"), ZoneId.SHORT_IDS);
  }

  /** A reference to a top-level column whatever characters its name holds (dots, spaces). */
  private static Column columnRef(String name) {
    return col("`" + name.replace("`", "``") + "`");
  }

  private static DataType typeOf(Dataset<Row> raw, Column column) {
    return raw.select(column).schema().fields()[0].dataType();
  }

  private static boolean isString(DataType type) {
    return type.equals(DataTypes.StringType);
  }
}
