package com.customervalue.segments.job;

import com.customervalue.segments.generate.GeneratorSettings;
import com.customervalue.segments.generate.SyntheticTransactions;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/** Writes a synthetic transaction set as Parquet; refuses to overwrite an existing directory. */
public final class GenerateJob {
  private GenerateJob() {}

  /** Returns the qualified output path. */
  public static String run(SparkSession spark, GeneratorSettings settings, String output) {
    Path path = new Path(output);
    try {
      FileSystem fileSystem = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (fileSystem.exists(path)) {
        throw new IllegalArgumentException(
            "--output " + output + " already exists; choose a new directory or delete it first");
      }
      spark
          .sparkContext()
          .setJobDescription("generate: " + settings.transactions() + " synthetic order lines");
      SyntheticTransactions.generate(spark, settings)
          .write()
          .mode(SaveMode.ErrorIfExists)
          .parquet(output);
      return fileSystem.makeQualified(path).toString();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + output, e);
    }
  }
}
