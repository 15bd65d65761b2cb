package com.customervalue.segments.ingest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;

/**
 * The one schema that Parquet files written with different schemas can all be read as, for {@link
 * ParquetInput}: a type per column that holds every file's values, or an error naming the files
 * that disagree.
 */
final class SchemaWidening {
  private SchemaWidening() {}

  /** Column name to type over all groups, in the order the columns first appear. */
  static Map<String, DataType> unifiedSchema(
      List<Dataset<Row>> groups, Map<String, List<Path>> bySchema, String what) {
    List<List<Path>> files = new ArrayList<>(bySchema.values());
    Map<String, DataType> types = new LinkedHashMap<>();
    Map<String, Path> firstFile = new LinkedHashMap<>();
    for (int g = 0; g < groups.size(); g++) {
      Path groupFile = files.get(g).get(0);
      for (StructField field : groups.get(g).schema().fields()) {
        DataType known = types.get(field.name());
        if (known == null) {
          types.put(field.name(), field.dataType());
          firstFile.put(field.name(), groupFile);
          continue;
        }
        DataType wider =
            wider(known, field.dataType())
                .orElseThrow(
                    () ->
                        new InvalidInputException(
                            "The files of "
                                + what
                                + " disagree on column '"
                                + field.name()
                                + "': "
                                + known.sql()
                                + " in "
                                + firstFile.get(field.name())
                                + " but "
                                + field.dataType().sql()
                                + " in "
                                + groupFile
                                + ", which cannot be read as one type. Rewrite one of them with the"
                                + " other's type."));
        types.put(field.name(), wider);
      }
    }
    return types;
  }

  /** The type both can be read as without losing values, if there is one. */
  static Optional<DataType> wider(DataType a, DataType b) {
    if (a.equals(b)) {
      return Optional.of(a);
    }
    if (isIntegral(a) && isIntegral(b)) {
      return Optional.of(DataTypes.LongType);
    }
    if (isExactNumber(a) && isExactNumber(b)) {
      DecimalType x = asDecimal(a);
      DecimalType y = asDecimal(b);
      int scale = Math.max(x.scale(), y.scale());
      int integral = Math.max(x.precision() - x.scale(), y.precision() - y.scale());
      return integral + scale > 38
          ? Optional.empty()
          : Optional.of(DataTypes.createDecimalType(integral + scale, scale));
    }
    if (isNumber(a) && isNumber(b)) {
      return Optional.of(DataTypes.DoubleType);
    }
    if (isDateOr(a, b, DataTypes.TimestampType)) {
      return Optional.of(DataTypes.TimestampType);
    }
    if (isDateOr(a, b, DataTypes.TimestampNTZType)) {
      return Optional.of(DataTypes.TimestampNTZType);
    }
    return Optional.empty();
  }

  private static boolean isDateOr(DataType a, DataType b, DataType timestamp) {
    return (a.equals(DataTypes.DateType) && b.equals(timestamp))
        || (b.equals(DataTypes.DateType) && a.equals(timestamp));
  }

  private static boolean isIntegral(DataType type) {
    return type.equals(DataTypes.ByteType)
        || type.equals(DataTypes.ShortType)
        || type.equals(DataTypes.IntegerType)
        || type.equals(DataTypes.LongType);
  }

  private static boolean isExactNumber(DataType type) {
    return isIntegral(type) || type instanceof DecimalType;
  }

  private static boolean isNumber(DataType type) {
    return isExactNumber(type)
        || type.equals(DataTypes.FloatType)
        || type.equals(DataTypes.DoubleType);
  }

  private static DecimalType asDecimal(DataType type) {
    if (type instanceof DecimalType decimal) {
      return decimal;
    }
    int digits = type.equals(DataTypes.LongType) ? 20 : type.equals(DataTypes.IntegerType) ? 10 : 5;
    return DataTypes.createDecimalType(digits, 0);
  }
}
