package com.customervalue.segments.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;

/**
 * Reads an input of Parquet files that may have been written at different times with different
 * schemas. Every file's footer is read first, so that a file that is not Parquet, or is truncated,
 * stops the run with its name instead of being skipped. Files of one schema are read as Spark reads
 * them; files of several schemas are read group by group and widened to one schema where the types
 * are compatible (integers to BIGINT, integers and decimals to a decimal that holds both, any
 * floating point to DOUBLE, DATE with TIMESTAMP to TIMESTAMP); columns some files lack are null
 * there. Incompatible types fail, naming the column, the types and a file of each. The result
 * carries the file of every row in {@link Transactions#INPUT_FILE}.
 */
public final class ParquetInput {
  private ParquetInput() {}

  public static Dataset<Row> read(SparkSession spark, String path, String what) {
    Configuration hadoopConf = spark.sparkContext().hadoopConfiguration();
    List<Path> files = files(hadoopConf, path, what);
    Map<String, List<Path>> bySchema = new LinkedHashMap<>();
    for (Path file : files) {
      bySchema
          .computeIfAbsent(
              footerSchema(hadoopConf, file, what).toString(), key -> new ArrayList<>())
          .add(file);
    }
    if (bySchema.size() == 1) {
      return withInputFile(spark.read().parquet(path));
    }
    Optional<String> basePath = directory(hadoopConf, path);
    List<Dataset<Row>> groups = new ArrayList<>();
    for (List<Path> group : bySchema.values()) {
      // Reading a directory's files one by one must still find its partition columns (year=...).
      org.apache.spark.sql.DataFrameReader reader = spark.read();
      basePath.ifPresent(base -> reader.option("basePath", base));
      groups.add(
          withInputFile(reader.parquet(group.stream().map(Path::toString).toArray(String[]::new))));
    }
    Map<String, DataType> unified = SchemaWidening.unifiedSchema(groups, bySchema, what);
    Dataset<Row> all = null;
    for (Dataset<Row> group : groups) {
      List<Column> columns = new ArrayList<>();
      List<String> present = List.of(group.columns());
      unified.forEach(
          (name, type) ->
              columns.add(
                  (present.contains(name) ? col("`" + name + "`").cast(type) : lit(null).cast(type))
                      .as(name)));
      Dataset<Row> aligned = group.select(columns.toArray(Column[]::new));
      all = all == null ? aligned : all.unionByName(aligned);
    }
    return all;
  }

  private static Dataset<Row> withInputFile(Dataset<Row> data) {
    return data.withColumn(Transactions.INPUT_FILE, col("_metadata.file_path"));
  }

  /** The data files the path means: a file, the files below a directory, or a glob's matches. */
  private static List<Path> files(Configuration hadoopConf, String path, String what) {
    try {
      Path pattern = new Path(path);
      FileSystem fileSystem = pattern.getFileSystem(hadoopConf);
      FileStatus[] matches = fileSystem.globStatus(pattern);
      if (matches == null || matches.length == 0) {
        throw new InvalidInputException("The " + what + " at " + path + " does not exist.");
      }
      List<Path> files = new ArrayList<>();
      for (FileStatus match : matches) {
        if (match.isFile()) {
          files.add(match.getPath());
          continue;
        }
        RemoteIterator<LocatedFileStatus> below = fileSystem.listFiles(match.getPath(), true);
        while (below.hasNext()) {
          Path file = below.next().getPath();
          if (!isHidden(match.getPath(), file)) {
            files.add(file);
          }
        }
      }
      if (files.isEmpty()) {
        throw new InvalidInputException(
            "The "
                + what
                + " at "
                + path
                + " holds no data files (only hidden ones, "
                + "starting with _ or ., if any).");
      }
      files.sort(Path::compareTo); // the same input, the same schema groups and messages
      return files;
    } catch (IOException e) {
      throw new InvalidInputException(
          "Cannot list the " + what + " at " + path + ": " + e.getMessage(), e);
    }
  }

  /** Spark's convention: names starting with _ or . (markers, checksums, staging) are not data. */
  private static boolean isHidden(Path root, Path file) {
    for (Path p = file; p != null && !p.equals(root); p = p.getParent()) {
      if (p.getName().startsWith("_") || p.getName().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  private static MessageType footerSchema(Configuration hadoopConf, Path file, String what) {
    try (ParquetFileReader reader =
        ParquetFileReader.open(HadoopInputFile.fromPath(file, hadoopConf))) {
      return reader.getFooter().getFileMetaData().getSchema();
    } catch (IOException | RuntimeException e) {
      throw new InvalidInputException(
          "The "
              + what
              + " file "
              + file
              + " is not a readable Parquet file ("
              + e.getMessage()
              + "). Remove or replace it: no file is skipped silently.",
          e);
    }
  }

  private static Optional<String> directory(Configuration hadoopConf, String path) {
    try {
      Path given = new Path(path);
      return given.getFileSystem(hadoopConf).isDirectory(given)
          ? Optional.of(given.toString())
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
