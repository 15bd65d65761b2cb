package com.customervalue.segments.ingest;

import static org.apache.spark.sql.functions.expr;

import java.util.Arrays;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Checks that the transactions' schema fits the column mapping before any row is read, so that a
 * wrong column name or type fails fast with the column, the type found and the type expected.
 */
public final class InputSchemaCheck {
  private static final String IDENTIFIER_TYPES =
      "an integer or string type (INT, BIGINT, STRING, DECIMAL(p,0))";
  private static final String TIME_TYPES = "TIMESTAMP, TIMESTAMP_NTZ or DATE";

  private InputSchemaCheck() {}

  /**
   * Throws {@link InvalidInputException} naming {@code inputName}, the column and its config key
   * when the mapping does not fit {@code raw}'s schema.
   */
  public static void check(Dataset<Row> raw, ColumnMapping columns, String inputName) {
    StructType schema = raw.schema();
    requireType(
        schema,
        columns.customerId(),
        "segments.input.columns.customer-id",
        inputName,
        InputSchemaCheck::isIdentifierType,
        IDENTIFIER_TYPES);
    columns
        .orderId()
        .ifPresent(
            orderId ->
                requireType(
                    schema,
                    orderId,
                    "segments.input.columns.order-id",
                    inputName,
                    InputSchemaCheck::isIdentifierType,
                    IDENTIFIER_TYPES));
    requireType(
        schema,
        columns.timestamp(),
        "segments.input.columns.timestamp",
        inputName,
        InputSchemaCheck::isTimeType,
        TIME_TYPES);
    checkAmount(raw, columns.amountExpression(), inputName);
  }

  /** The amount may be a column or an expression; either way it must resolve to a number. */
  private static void checkAmount(Dataset<Row> raw, String amountExpression, String inputName) {
    String key = "segments.input.columns.amount";
    Optional<StructField> column = field(raw.schema(), amountExpression);
    DataType type;
    if (column.isPresent()) {
      type = column.get().dataType();
    } else {
      try {
        type = raw.select(expr(amountExpression)).schema().fields()[0].dataType();
      } catch (Exception e) { // AnalysisException, which Scala throws without declaring it
        if (!(e instanceof AnalysisException)) {
          throw e;
        }
        throw new InvalidInputException(
            "The amount '"
                + amountExpression
                + "' ("
                + key
                + ") cannot be evaluated on "
                + inputName
                + ": "
                + firstLine(e.getMessage())
                + " Columns there: "
                + columnList(raw.schema())
                + ".",
            e);
      }
    }
    if (!(type instanceof NumericType)) {
      throw new InvalidInputException(
          "The amount '"
              + amountExpression
              + "' ("
              + key
              + ") in "
              + inputName
              + " has type "
              + type.sql()
              + "; expected a numeric type (INT, BIGINT, DOUBLE, DECIMAL(p,s)).");
    }
  }

  private static void requireType(
      StructType schema,
      String name,
      String key,
      String inputName,
      Predicate<DataType> accepted,
      String expected) {
    StructField field =
        field(schema, name)
            .orElseThrow(
                () ->
                    new InvalidInputException(
                        inputName
                            + " has no column '"
                            + name
                            + "' ("
                            + key
                            + "). Columns there: "
                            + columnList(schema)
                            + "."));
    if (!accepted.test(field.dataType())) {
      throw new InvalidInputException(
          "Column '"
              + name
              + "' ("
              + key
              + ") in "
              + inputName
              + " has type "
              + field.dataType().sql()
              + "; expected "
              + expected
              + ".");
    }
  }

  private static Optional<StructField> field(StructType schema, String name) {
    return Arrays.stream(schema.fields()).filter(f -> f.name().equals(name)).findFirst();
  }

  private static String columnList(StructType schema) {
    return Arrays.stream(schema.fields())
        .filter(f -> !f.name().equals(Transactions.INPUT_FILE))
        .map(f -> f.name() + " " + f.dataType().sql())
        .collect(Collectors.joining(", "));
  }

  private static String firstLine(String message) {
    String line = message == null ? "" : message.lines().findFirst().orElse("");
    return line.endsWith(".") ? line : line + ".";
  }

  static boolean isIdentifierType(DataType type) {
    return type.equals(DataTypes.StringType)
        || type.equals(DataTypes.LongType)
        || type.equals(DataTypes.IntegerType)
        || type.equals(DataTypes.ShortType)
        || type.equals(DataTypes.ByteType)
        || (type instanceof DecimalType decimal && decimal.scale() == 0);
  }

  static boolean isTimeType(DataType type) {
    return type.equals(DataTypes.TimestampType)
        || type.equals(DataTypes.TimestampNTZType)
        || type.equals(DataTypes.DateType);
  }
}
