package com.customervalue.segments.serve;

import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructType;

/**
 * The PostgreSQL column type of each Spark type the tables use; maps, arrays and structs become
 * jsonb.
 */
final class PostgresTypes {
  private PostgresTypes() {}

  static boolean isJson(DataType type) {
    return type instanceof MapType || type instanceof ArrayType || type instanceof StructType;
  }

  static String sqlType(DataType type) {
    if (type instanceof DecimalType decimal) {
      return "numeric(" + decimal.precision() + "," + decimal.scale() + ")";
    }
    if (isJson(type)) {
      return "jsonb";
    }
    if (type.equals(DataTypes.StringType)) {
      return "text";
    }
    if (type.equals(DataTypes.IntegerType)
        || type.equals(DataTypes.ShortType)
        || type.equals(DataTypes.ByteType)) {
      return "integer";
    }
    if (type.equals(DataTypes.LongType)) {
      return "bigint";
    }
    if (type.equals(DataTypes.DoubleType) || type.equals(DataTypes.FloatType)) {
      return "double precision";
    }
    if (type.equals(DataTypes.BooleanType)) {
      return "boolean";
    }
    if (type.equals(DataTypes.DateType)) {
      return "date";
    }
    if (type.equals(DataTypes.TimestampType)) {
      return "timestamptz";
    }
    if (type.equals(DataTypes.TimestampNTZType)) {
      return "timestamp";
    }
    throw new IllegalArgumentException("No PostgreSQL type for Spark type " + type.sql());
  }
}
