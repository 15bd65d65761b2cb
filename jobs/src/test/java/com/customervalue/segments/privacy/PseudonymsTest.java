package com.customervalue.segments.privacy;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.customervalue.segments.SparkTestSession;
import com.customervalue.segments.config.ConfigLayers;
import com.customervalue.segments.config.InvalidSettingsException;
import com.customervalue.segments.job.JobSettings;
import com.customervalue.segments.job.SegmentationJob;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PseudonymsTest extends SparkTestSession {
  private static final String KEY = "a-key-of-at-least-16-bytes";

  private static String hmac(String key, String id) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(id.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void theKeyedHashIsHmacSha256() throws Exception {
    String longKey = "k".repeat(100); // longer than a SHA-256 block: hashed first
    List<String> ids = List.of("17850", "Mr. Brion Stark Sr.", "客户-42", "");
    StructType schema = new StructType().add("id", DataTypes.StringType);
    List<Row> rows = ids.stream().map(RowFactory::create).collect(Collectors.toList());
    rows.add(RowFactory.create((Object) null));
    for (String key : List.of(KEY, longKey)) {
      List<Row> hashed =
          spark
              .createDataFrame(rows, schema)
              .select(
                  col("id"),
                  Pseudonyms.keyedHash(
                          col("id"), new PseudonymKey(key.getBytes(StandardCharsets.UTF_8)))
                      .as("h"))
              .collectAsList();
      for (Row row : hashed) {
        if (row.isNullAt(0)) {
          assertNull(row.get(1));
        } else {
          assertEquals(
              hmac(key, row.getString(0)),
              row.getString(1),
              key.length() + "-byte key, id " + row.getString(0));
        }
      }
    }
  }

  @Test
  void publishedTablesCarryPseudonymsOnly(@TempDir Path output) throws Exception {
    Path input = repositoryRoot().resolve("data-samples/rfm_data_orders.parquet");
    SegmentationJob.run(
        spark,
        JobSettings.load(
            ConfigLayers.layered(
                Optional.of(repositoryRoot().resolve("conf/rfm-data-orders.conf").toFile()),
                Map.of(
                    "segments.input.path",
                    input.toString(),
                    "segments.output.root",
                    output.toString(),
                    "segments.snapshot.as-of",
                    "2006-12-31",
                    "segments.privacy.pseudonymize-customer-ids",
                    "true")),
            Map.of(PseudonymKey.VARIABLE, KEY)));

    Set<String> raw =
        spark
            .read()
            .parquet(input.toString())
            .select("customer_id")
            .distinct()
            .collectAsList()
            .stream()
            .map(row -> row.getString(0).trim())
            .collect(Collectors.toSet());
    Set<String> expected = new java.util.HashSet<>();
    for (String id : raw) {
      expected.add(hmac(KEY, id));
    }
    Set<String> published =
        spark
            .read()
            .parquet(output.resolve("customer_segments").toString())
            .select("customer_id")
            .collectAsList()
            .stream()
            .map(row -> row.getString(0))
            .collect(Collectors.toSet());
    assertEquals(expected, published);
    assertTrue(
        Arrays.stream(
                spark.read().parquet(output.resolve("customer_segments").toString()).columns())
            .noneMatch(c -> c.contains("raw")));
  }

  @Test
  void quarantinedRowsShowThePseudonymInsteadOfTheId(@TempDir Path dir) throws Exception {
    String input = dir.resolve("in").toString();
    spark
        .sql(
            "SELECT concat('customer-', id) AS customer_id, date'2024-01-01' + CAST(id * 9 AS INT)"
                + " AS order_date, CAST(10 + id * id AS DOUBLE) AS amount FROM range(6) UNION ALL"
                + " SELECT 'secret-id', date'2024-02-02', CAST('NaN' AS DOUBLE)")
        .write()
        .parquet(input);
    SegmentationJob.run(
        spark,
        JobSettings.load(
            ConfigLayers.layered(
                Optional.empty(),
                Map.of(
                    "segments.input.path",
                    input,
                    "segments.output.root",
                    dir.resolve("out").toString(),
                    "segments.input.columns.order-id",
                    "",
                    "segments.input.columns.timestamp",
                    "order_date",
                    "segments.quality.max-quarantined-share",
                    "0.5",
                    "segments.privacy.pseudonymize-customer-ids",
                    "true")),
            Map.of(PseudonymKey.VARIABLE, KEY)));

    Row quarantined = spark.read().parquet(dir.resolve("out/quarantine").toString()).first();
    assertEquals("nan_amount", quarantined.getAs("reason"));
    assertEquals(hmac(KEY, "secret-id"), quarantined.getAs("customer_id"));
    String record = quarantined.getAs("raw_record");
    assertTrue(
        record.contains("\"customer_id\":\"" + hmac(KEY, "secret-id") + "\"")
            && !record.contains("secret-id"),
        record);
  }

  @Test
  void pseudonymizingNeedsALongEnoughKey() {
    Map<String, String> on =
        Map.of("segments.input.path", "x", "segments.privacy.pseudonymize-customer-ids", "true");
    assertEquals(
        "Invalid setting segments.privacy.pseudonymize-customer-ids: pseudonymizing needs a secret"
            + " key in the environment variable SEGMENTS_PSEUDONYM_KEY.",
        assertThrows(
                InvalidSettingsException.class,
                () -> JobSettings.load(ConfigLayers.layered(Optional.empty(), on), Map.of()))
            .getMessage());
    assertTrue(
        assertThrows(
                InvalidSettingsException.class,
                () ->
                    JobSettings.load(
                        ConfigLayers.layered(Optional.empty(), on),
                        Map.of(PseudonymKey.VARIABLE, "short")))
            .getMessage()
            .endsWith("must be at least 16 bytes long."));
    assertEquals(
        "PseudonymKey[***]", new PseudonymKey(KEY.getBytes(StandardCharsets.UTF_8)).toString());
  }
}
