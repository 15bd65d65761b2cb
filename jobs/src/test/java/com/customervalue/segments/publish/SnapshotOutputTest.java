package com.customervalue.segments.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.customervalue.segments.SparkTestSession;
import com.customervalue.segments.catalog.Catalog;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A staged table reads back, without a job to infer its schema, as Spark reads the Parquet it was
 * written to.
 */
class SnapshotOutputTest extends SparkTestSession {
  private static final LocalDate AS_OF = LocalDate.of(2024, 3, 1);

  @TempDir Path root;

  @Test
  void aStagedTableReadsBackWithTheSchemaAndRowsAParquetReadInfers() {
    SnapshotOutput output = new SnapshotOutput(spark, root.toString(), "run-1", true);
    Dataset<Row> rows =
        spark.createDataFrame(
            List.of(
                RowFactory.create(
                    "bgnbd", "0", 0, 10L, 0.5, 0.4, null, Date.valueOf("2024-01-01"), 60),
                RowFactory.create(
                    "bgnbd", "1", 1, 5L, 1.5, 1.25, 0.75, Date.valueOf("2024-01-01"), 60)),
            Catalog.CLV_BACKTEST.schema());
    output.stage(Catalog.CLV_BACKTEST, AS_OF, rows);

    spark.sparkContext().setJobGroup("reading-back", "reading back a staged table", false);
    Dataset<Row> staged = output.staged(Catalog.CLV_BACKTEST);
    StructType stagedSchema = staged.schema();
    spark.sparkContext().clearJobGroup();
    assertEquals(
        0,
        spark.sparkContext().statusTracker().getJobIdsForGroup("reading-back").length,
        "no Spark job infers the schema of a table this run wrote");
    List<Row> stagedRows = staged.orderBy("bin_order").collectAsList();
    String published = output.publish().get(Catalog.CLV_BACKTEST.name());
    Dataset<Row> inferred = spark.read().parquet(published);

    assertEquals(inferred.schema(), stagedSchema);
    assertEquals(inferred.orderBy("bin_order").collectAsList(), stagedRows);
  }
}
