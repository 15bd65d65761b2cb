package com.customervalue.segments.job;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.customervalue.segments.SparkTestSession;
import com.customervalue.segments.config.ConfigLayers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The value models through the whole job on the CDNOW sample of the CLV literature, with its
 * example configuration: the published estimates as of 1997-10-01, and the published holdout table
 * as of 1998-07-01 with the 39-week holdout.
 */
class CdnowValueModelsTest extends SparkTestSession {
  private static final Path INPUT = repositoryRoot().resolve("data-samples/cdnow_sample.parquet");

  @TempDir static Path calibrationOutput;
  @TempDir static Path holdoutOutput;

  @TempDir static Path configs;

  @BeforeAll
  static void run() throws IOException {
    // Pareto/NBD first, so that it drives the predictions checked against the BTYD vignette.
    Path paretoFirst = configs.resolve("pareto-first.conf");
    Files.writeString(
        paretoFirst,
        "include file(\""
            + repositoryRoot().resolve("conf/cdnow.conf")
            + "\")\nsegments.clv.models = [pareto-nbd, bgnbd]\n");
    run(
        paretoFirst,
        calibrationOutput,
        Map.of(
            "segments.snapshot.as-of", "1997-10-01",
            "segments.clv.holdout-days", "0",
            "segments.clv.horizon-days", "364"));
    run(
        repositoryRoot().resolve("conf/cdnow.conf"),
        holdoutOutput,
        Map.of("segments.snapshot.as-of", "1998-07-01"));
  }

  private static void run(Path config, Path output, Map<String, String> settings) {
    Map<String, String> all = new HashMap<>(settings);
    all.put("segments.input.path", INPUT.toString());
    all.put("segments.output.root", output.toString());
    all.put("segments.output.report", "false");
    SegmentationJob.run(
        spark, JobSettings.load(ConfigLayers.layered(Optional.of(config.toFile()), all)));
  }

  private static Map<String, Row> parameters(String model) {
    return spark
        .read()
        .parquet(calibrationOutput.resolve("clv_model").toString())
        .filter(col("fit").equalTo("full").and(col("model").equalTo(model)))
        .collectAsList()
        .stream()
        .collect(Collectors.toMap(row -> row.getAs("parameter"), row -> row));
  }

  private static double value(Map<String, Row> fit, String parameter) {
    return fit.get(parameter).getAs("value");
  }

  private static void assertFourDigits(double published, double actual, String what) {
    assertEquals(published, actual, 0.5e-3 * Math.abs(published), what + ": four digits");
  }

  /**
   * Fader, Hardie &amp; Lee (2005), "Counting your customers the easy way", and CLVTools'
   * test_correctness_bgnbd.R: r 0.2426, alpha 4.414, a 0.7929, b 2.426, LL -9582.4; standard errors
   * 0.0126, 0.378, 0.186, 0.705 (M. Platzer's CDNOW replication).
   */
  @Test
  void bgNbdEqualsThePublishedEstimates() {
    Map<String, Row> fit = parameters("bgnbd");
    assertFourDigits(0.2426, value(fit, "r"), "r");
    assertFourDigits(4.414, value(fit, "alpha"), "alpha");
    assertFourDigits(0.7929, value(fit, "a"), "a");
    assertFourDigits(2.426, value(fit, "b"), "b");
    assertEquals(-9582.429, fit.get("r").<Double>getAs("log_likelihood"), 0.01);
    assertEquals(0.012557, fit.get("r").<Double>getAs("standard_error"), 0.0002);
    assertEquals(0.378230, fit.get("alpha").<Double>getAs("standard_error"), 0.004);
    assertEquals(0.185721, fit.get("a").<Double>getAs("standard_error"), 0.002);
    assertEquals(0.705332, fit.get("b").<Double>getAs("standard_error"), 0.007);
    Row r = fit.get("r");
    assertEquals(2357L, (Long) r.getAs("customers"));
    assertEquals("week", r.getAs("time_unit"));
    assertEquals(java.sql.Date.valueOf("1997-09-30"), r.getAs("observation_end"));
    assertTrue(r.<Boolean>getAs("converged"));
  }

  /**
   * BTYD's walkthrough vignette: r 0.5534, alpha 10.58, s 0.6061, beta 11.66, LL -9594.976; the
   * likelihood is flat near its maximum, so 0.5 % per parameter.
   */
  @Test
  void paretoNbdIsWithinHalfAPercentOfThePublishedEstimates() {
    Map<String, Row> fit = parameters("pareto-nbd");
    Map<String, Double> published = Map.of("r", 0.5534, "alpha", 10.58, "s", 0.6061, "beta", 11.66);
    published.forEach(
        (name, expected) ->
            assertEquals(expected, value(fit, name), 0.005 * expected, name + " within 0.5 %"));
    assertEquals(-9594.976, fit.get("r").<Double>getAs("log_likelihood"), 0.01);
  }

  /** Fader, Hardie &amp; Lee (2005), "RFM and CLV", and lifetimes' tests: p 6.25, q 3.74, 15.44. */
  @Test
  void gammaGammaEqualsThePublishedEstimates() {
    Map<String, Row> fit = parameters("gamma-gamma");
    assertEquals(6.25, value(fit, "p"), 0.005);
    assertEquals(3.74, value(fit, "q"), 0.005);
    assertEquals(15.44, value(fit, "gamma"), 0.005);
    assertEquals(946L, (Long) fit.get("p").getAs("customers"));
  }

  /**
   * BTYD's vignette on customer 1516 (x 26, t_x 30.86, T 31 weeks) under Pareto/NBD: 25.46
   * purchases expected in the next 52 weeks, P(alive) 0.9979. BTYD numbers the sample's customers
   * 1..2357; the data set keeps the cohort's master ids, where 1516 is 15562.
   */
  @Test
  void customer1516PredictionsEqualTheVignettes() {
    Row customer =
        spark
            .read()
            .parquet(calibrationOutput.resolve("customer_segments").toString())
            .filter(col("customer_id").equalTo("15562"))
            .first();
    assertEquals(26, (Integer) customer.getAs("repeat_purchases"));
    assertEquals(25.46, customer.<Double>getAs("expected_purchases"), 0.005);
    assertEquals(0.9979, customer.<Double>getAs("p_alive"), 0.00005);
    double expectedValue =
        customer.<java.math.BigDecimal>getAs("expected_order_value").doubleValue();
    assertEquals(
        25.46 * expectedValue,
        customer.<java.math.BigDecimal>getAs("clv").doubleValue(),
        0.005 * expectedValue,
        "clv = expected purchases x expected order value without margin or discount");
  }

  /**
   * The BTYD vignette's holdout table (Pareto/NBD, 39 weeks, calibration repeat purchases 0..7+)
   * and BTYDplus' CDNOW demo for BG/NBD (bins 0..5, two decimals): bin sizes, the actual mean
   * purchases in the holdout and the models' conditional expectations.
   */
  @Test
  void theBacktestReproducesThePublishedHoldoutTable() {
    List<Row> rows =
        spark
            .read()
            .parquet(holdoutOutput.resolve("clv_backtest").toString())
            .orderBy("model", "bin_order")
            .collectAsList();
    List<String> bins = List.of("0", "1", "2", "3", "4", "5", "6", "7+", "all");
    long[] customers = {1411, 439, 214, 100, 62, 38, 29, 64, 2357};
    double[] actual = {0.237, 0.697, 1.393, 1.560, 2.532, 2.947, 3.862, 6.359};
    double[] paretoNbd = {0.138, 0.600, 1.196, 1.714, 2.399, 2.907, 3.819, 6.403};
    double[] bgNbd = {0.23, 0.52, 1.04, 1.52, 2.16, 2.65};
    assertEquals(18, rows.size());
    for (int i = 0; i < bins.size(); i++) {
      Row bg = rows.get(i);
      Row pareto = rows.get(bins.size() + i);
      assertEquals("bgnbd", bg.getAs("model"));
      assertEquals("pareto-nbd", pareto.getAs("model"));
      assertEquals(bins.get(i), bg.getAs("repeat_purchases"));
      assertEquals(customers[i], (Long) pareto.getAs("customers"), bins.get(i));
      if (i < actual.length) {
        assertEquals(actual[i], pareto.<Double>getAs("actual_mean"), 0.0005, "actual " + i);
        assertEquals(
            paretoNbd[i], pareto.<Double>getAs("predicted_mean"), 0.002, "Pareto/NBD " + i);
      }
      if (i < bgNbd.length) {
        assertEquals(bgNbd[i], bg.<Double>getAs("predicted_mean"), 0.005, "BG/NBD " + i);
      }
      assertEquals(java.sql.Date.valueOf("1997-10-01"), bg.getAs("holdout_start"));
    }
  }
}
