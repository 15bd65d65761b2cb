package com.customervalue.segments.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.customervalue.segments.SparkTestSession;
import com.customervalue.segments.config.ConfigLayers;
import com.customervalue.segments.ingest.InvalidInputException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole runs on tiny inputs written for the case: the edges a real data set rarely shows. */
class SmallInputJobTest extends SparkTestSession {
  private static final StructType ORDERS =
      new StructType()
          .add("customer_id", DataTypes.StringType)
          .add("order_date", DataTypes.DateType)
          .add("amount", DataTypes.createDecimalType(10, 2));

  @TempDir Path dir;

  private static Row order(String customer, String date, String amount) {
    return RowFactory.create(customer, Date.valueOf(date), new BigDecimal(amount));
  }

  private String write(String name, List<Row> rows, StructType schema) {
    String path = dir.resolve(name).toString();
    spark.createDataFrame(rows, schema).write().parquet(path);
    return path;
  }

  private RunResult run(String input, Map<String, String> more) {
    Map<String, String> overrides = new HashMap<>(more);
    overrides.put("segments.input.path", input);
    overrides.put("segments.output.root", dir.resolve("out").toString());
    overrides.put("segments.input.columns.order-id", "");
    overrides.put("segments.input.columns.timestamp", "order_date");
    overrides.put("segments.snapshot.as-of", "2024-01-01");
    return SegmentationJob.run(
        spark, JobSettings.load(ConfigLayers.layered(Optional.empty(), overrides)));
  }

  @Test
  void aBaseTooUniformForKClustersIsExplained() {
    String input =
        write(
            "uniform",
            IntStream.range(0, 10).mapToObj(i -> order("c" + i, "2023-12-01", "25.00")).toList(),
            ORDERS);
    JobFailedException failure = assertThrows(JobFailedException.class, () -> run(input, Map.of()));
    assertEquals(
        "The 10 buyers have only 1 distinct (recency, frequency, monetary) profiles, too few for "
            + "segments.tiers.k = 4 clusters. Lower k, widen the window or add data.",
        failure.getMessage());
  }

  @Test
  void noBuyersIsExplained() {
    String input =
        write(
            "returns",
            List.of(order("a", "2023-12-01", "-5.00"), order("b", "2023-11-01", "-7.00")),
            ORDERS);
    JobFailedException failure = assertThrows(JobFailedException.class, () -> run(input, Map.of()));
    assertEquals(
        "None of the 2 customers has a purchase in the window before 2024-01-01 (window-days 0), "
            + "so there is nobody to score or tier.",
        failure.getMessage());
  }

  @Test
  void theCustomerMasterAddsProspectsAndItsAttributes() {
    List<Row> orders = new java.util.ArrayList<>();
    for (int i = 0; i < 40; i++) {
      for (int n = 0; n <= i % 6; n++) {
        orders.add(
            order(
                "c" + i,
                "2023-" + String.format("%02d", 1 + (i + n) % 12) + "-15",
                (10 + i * 7) + ".00"));
      }
    }
    String input = write("orders", orders, ORDERS);
    StructType masterSchema =
        new StructType()
            .add("customer_id", DataTypes.StringType)
            .add("region", DataTypes.StringType)
            .add("customer_type", DataTypes.StringType);
    String master =
        write(
            "master",
            List.of(
                RowFactory.create("c1", "North", "retail"),
                RowFactory.create("prospect-1", "South", "wholesale")),
            masterSchema);

    RunResult result = run(input, Map.of("segments.input.customers-path", master));

    assertEquals(Optional.of(41L), result.customers());
    assertEquals(Optional.of(40L), result.buyers());
    Map<String, Row> rows =
        spark
            .read()
            .parquet(dir.resolve("out/customer_segments").toString())
            .collectAsList()
            .stream()
            .collect(Collectors.toMap(row -> row.getString(0), row -> row));
    Row prospect = rows.get("prospect-1");
    assertEquals("South", prospect.getAs("region"));
    assertEquals("wholesale", prospect.getAs("customer_type"));
    assertEquals(0, (Integer) prospect.getAs("frequency"));
    assertEquals("prospect", prospect.getAs("lifecycle_status"));
    assertEquals("iron", prospect.getAs("value_tier"));
    assertNull(prospect.getAs("r_score"));
    assertEquals("North", rows.get("c1").getAs("region"));
    assertNull(rows.get("c2").getAs("region"));
    List<String> columns =
        List.of(spark.read().parquet(dir.resolve("out/customer_segments").toString()).columns());
    assertEquals(
        List.of("recommended_action", "region", "customer_type", "snapshot_date"),
        columns.subList(columns.indexOf("recommended_action"), columns.size()));
  }

  @Test
  void duplicateIdsInTheCustomerMasterAreRefused() {
    String input = write("orders", List.of(order("a", "2023-12-01", "5.00")), ORDERS);
    StructType masterSchema =
        new StructType()
            .add("customer_id", DataTypes.StringType)
            .add("region", DataTypes.StringType);
    String master =
        write(
            "master",
            List.of(
                RowFactory.create("a", "N"),
                RowFactory.create(" a", "S"),
                RowFactory.create("b", "S")),
            masterSchema);
    InvalidInputException failure =
        assertThrows(
            InvalidInputException.class,
            () -> run(input, Map.of("segments.input.customers-path", master)));
    assertEquals(
        "The customer master "
            + master
            + " has duplicate, null or blank ids in 'customer_id', "
            + "e.g. 'a' (2 rows). Each customer must appear once.",
        failure.getMessage());
  }
}
