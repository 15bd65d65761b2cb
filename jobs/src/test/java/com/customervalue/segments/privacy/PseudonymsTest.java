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
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

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
