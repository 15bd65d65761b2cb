package com.customervalue.segments.job;

import com.customervalue.segments.generate.GeneratorSettings;
import com.customervalue.segments.generate.ModelGeneratorSettings;
import com.customervalue.segments.generate.ModelTransactions;
import com.customervalue.segments.generate.SyntheticTransactions;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/** Writes a synthetic transaction set as Parquet; refuses to overwrite an existing directory. */
public final class GenerateJob {
  private GenerateJob() {}

  /** Returns the qualified output path. */
  public static String run(SparkSession spark, GeneratorSettings settings, String output) {
    return write(
        spark,
        SyntheticTransactions.generate(spark, settings),
        "generate: " + settings.transactions() + " synthetic order lines",
        output);
  }

  /** Writes customers drawn from a buy-till-you-die model; returns the qualified output path. */
  public static String run(SparkSession spark, ModelGeneratorSettings settings, String output) {
    return write(
        spark,
        ModelTransactions.generate(spark, settings),
        "generate: " + settings.customers() + " customers from " + settings.purchases(),
        output);
  }

  private static String write(
      SparkSession spark, Dataset<Row> transactions, String description, String output) {
    Path path = new Path(output);
    try {
      FileSystem fileSystem = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (fileSystem.exists(path)) {
        throw new IllegalArgumentException(
            "--output " + output + " already exists; choose a new directory or delete it first");
      }
      spark.sparkContext().setJobDescription(description);
      transactions.write().mode(SaveMode.ErrorIfExists).parquet(output);
      return fileSystem.makeQualified(path).toString();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + output, e);
    }
  }
}
