package com.customervalue.segments.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.customervalue.segments.SparkTestSession;
import com.customervalue.segments.catalog.Catalog;
import com.customervalue.segments.config.ConfigLayers;
import com.customervalue.segments.job.JobSettings;
import com.customervalue.segments.metrics.CustomerMetrics;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class RfmSegmentsTest extends SparkTestSession {
  private static final List<SegmentRule> DEFAULT_RULES = presetRules("default");
  private static final List<SegmentRule> RFM_PACKAGE_RULES = presetRules("rfm-package");

  private static List<SegmentRule> presetRules(String preset) {
    return JobSettings.load(
            ConfigLayers.layered(
                Optional.empty(),
                Map.of("segments.input.path", "x", "segments.scoring.segment-preset", preset)))
        .scoring()
        .segmentRules();
  }

  /** All 125 cells of five bins, "111" to "555". */
  private static String[] everyCell() {
    List<String> cells = new ArrayList<>();
    for (int r = 1; r <= 5; r++) {
      for (int f = 1; f <= 5; f++) {
        for (int m = 1; m <= 5; m++) {
          cells.add("" + r + f + m);
        }
      }
    }
    return cells.toArray(String[]::new);
  }

  /** The segment of each RFM cell ("---" for a customer without scores). */
  private static Map<String, String> segments(List<SegmentRule> rules, String... cells) {
    return segments(rules, 5, cells);
  }

  private static Map<String, String> segments(List<SegmentRule> rules, int bins, String... cells) {
    StructType schema =
        new StructType()
            .add("cell", DataTypes.StringType)
            .add(RfmScores.R_SCORE, DataTypes.IntegerType)
            .add(RfmScores.F_SCORE, DataTypes.IntegerType)
            .add(RfmScores.M_SCORE, DataTypes.IntegerType);
    List<Row> rows =
        Arrays.stream(cells)
            .map(
                cell ->
                    cell.equals("---")
                        ? RowFactory.create(cell, null, null, null)
                        : RowFactory.create(
                            cell, cell.charAt(0) - '0', cell.charAt(1) - '0', cell.charAt(2) - '0'))
            .toList();
    return RfmSegments.assign(spark.createDataFrame(rows, schema), rules, 5)
        .collectAsList()
        .stream()
        .collect(
            Collectors.toMap(
                row -> row.getString(0),
                row -> String.valueOf((Object) row.getAs(RfmSegments.RFM_SEGMENT))));
  }

  @Test
  void theDefaultMapNamesEveryCell() {
    Map<String, String> map = segments(DEFAULT_RULES, everyCell());
    assertEquals(125, map.size());
    assertEquals(
        Set.of(
            "Champions",
            "Loyal Customers",
            "Potential Loyalist",
            "New Customers",
            "Promising",
            "Need Attention",
            "About To Sleep",
            "Can't Lose Them",
            "At Risk",
            "Hibernating",
            "Lost"),
        Set.copyOf(map.values()),
        "eleven named segments and no Others");
    map.forEach(
        (cell, segment) -> {
          int r = cell.charAt(0) - '0';
          int f = cell.charAt(1) - '0';
          int m = cell.charAt(2) - '0';
          assertEquals(r >= 4 && f >= 4 && m >= 4, segment.equals("Champions"), cell);
          assertEquals(r <= 2 && f >= 4 && m >= 4, segment.equals("Can't Lose Them"), cell);
          if (r <= 2) {
            assertTrue(
                Set.of("Can't Lose Them", "At Risk", "Hibernating", "Lost").contains(segment),
                "a lapsed cell " + cell + " is " + segment);
          }
        });
  }

  @Test
  void threeBinsFirstMatchingRuleWins() {
    List<SegmentRule> rules =
        List.of(
            new SegmentRule(
                "Top", new ScoreRange(3, 3), new ScoreRange(2, 3), new ScoreRange(1, 3)),
            new SegmentRule(
                "Recent", new ScoreRange(3, 3), new ScoreRange(1, 3), new ScoreRange(1, 3)),
            new SegmentRule(
                "Gone", new ScoreRange(1, 1), new ScoreRange(1, 3), new ScoreRange(3, 3)));
    assertEquals(
        Map.of(
            "332", "Top",
            "321", "Top",
            "311", "Recent",
            "313", "Recent",
            "113", "Gone",
            "133", "Gone",
            "112", "Others",
            "233", "Others",
            "---", "null"),
        segments(rules, 3, "332", "321", "311", "313", "113", "133", "112", "233", "---"));
  }

  @Test
  void theDefaultMapCellByCell() {
    Map<String, String> expected =
        Map.ofEntries(
            Map.entry("555", "Champions"),
            Map.entry("444", "Champions"),
            Map.entry("543", "Loyal Customers"),
            Map.entry("333", "Loyal Customers"),
            Map.entry("552", "Potential Loyalist"),
            Map.entry("425", "Potential Loyalist"),
            Map.entry("515", "New Customers"),
            Map.entry("411", "Promising"),
            Map.entry("351", "Need Attention"),
            Map.entry("325", "Need Attention"),
            Map.entry("315", "About To Sleep"),
            Map.entry("155", "Can't Lose Them"),
            Map.entry("244", "Can't Lose Them"),
            Map.entry("254", "Can't Lose Them"),
            Map.entry("253", "At Risk"),
            Map.entry("123", "At Risk"),
            Map.entry("215", "Hibernating"),
            Map.entry("252", "Hibernating"),
            Map.entry("152", "Lost"),
            Map.entry("111", "Lost"),
            Map.entry("---", "null"));
    assertEquals(expected, segments(DEFAULT_RULES, expected.keySet().toArray(String[]::new)));
  }

  @Test
  void theRfmPackagePresetIsItsDocumentationsTableFirstMatchWins() {
    Map<String, String> expected =
        Map.ofEntries(
            Map.entry("555", "Champions"), // a Potential Loyalist too: the first rule wins
            Map.entry("553", "Potential Loyalist"),
            Map.entry("353", "Potential Loyalist"),
            Map.entry("222", "Loyal Customers"),
            Map.entry("315", "Promising"),
            Map.entry("511", "New Customers"),
            Map.entry("235", "Can't Lose Them"), // "At Risk" and "Need Attention" match too
            Map.entry("134", "Can't Lose Them"),
            Map.entry("155", "At Risk"),
            Map.entry("135", "Can't Lose Them"),
            Map.entry("323", "Loyal Customers"),
            Map.entry("321", "About To Sleep"),
            Map.entry("213", "About To Sleep"),
            Map.entry("111", "Lost"),
            Map.entry("251", "Others"), // no rule has r = 2 with f = 5 and m = 1
            Map.entry("---", "null"));
    assertEquals(expected, segments(RFM_PACKAGE_RULES, expected.keySet().toArray(String[]::new)));
    assertEquals(
        10,
        segments(RFM_PACKAGE_RULES, everyCell()).values().stream()
            .filter(RfmSegments.OTHERS::equals)
            .count());
  }

  @Test
  void theSegmentMapIsEveryCellWithItsSegmentBuyersAndRevenue() {
    StructType schema =
        new StructType()
            .add(RfmScores.R_SCORE, DataTypes.IntegerType)
            .add(RfmScores.F_SCORE, DataTypes.IntegerType)
            .add(RfmScores.M_SCORE, DataTypes.IntegerType)
            .add(CustomerMetrics.MONETARY, CustomerMetrics.MONEY_TYPE);
    Dataset<Row> scored =
        spark.createDataFrame(
            List.of(
                RowFactory.create(5, 5, 5, new BigDecimal("100.5000")),
                RowFactory.create(5, 5, 5, new BigDecimal("-0.5000")),
                RowFactory.create(1, 1, 1, new BigDecimal("3.0000")),
                RowFactory.create(null, null, null, new BigDecimal("-9.0000"))),
            schema);
    Dataset<Row> map = RfmSegmentMap.table(spark, 5, DEFAULT_RULES, scored);
    Catalog.RFM_SEGMENT_MAP.requireSchema(map.schema());
    List<Row> rows = map.collectAsList();
    assertEquals(125, rows.size());
    assertEquals("555", rows.get(0).getString(3), "best cell first");
    Map<String, String> byCell =
        rows.stream()
            .collect(
                Collectors.toMap(
                    row -> row.getString(3),
                    row ->
                        row.getString(4)
                            + " "
                            + row.getLong(5)
                            + " "
                            + row.getDecimal(6).stripTrailingZeros().toPlainString()));
    assertEquals("Champions 2 100", byCell.get("555"));
    assertEquals("Lost 1 3", byCell.get("111"));
    assertEquals("Can't Lose Them 0 0", byCell.get("245"));
  }

  @Test
  void orderOfTheRuleTableDecides() {
    SegmentRule anyone =
        new SegmentRule("Anyone", new ScoreRange(1, 5), new ScoreRange(1, 5), new ScoreRange(1, 5));
    SegmentRule top =
        new SegmentRule("Top", new ScoreRange(5, 5), new ScoreRange(5, 5), new ScoreRange(5, 5));
    assertEquals(
        Map.of("555", "Top", "111", "Anyone"), segments(List.of(top, anyone), "555", "111"));
    assertEquals(
        Map.of("555", "Anyone", "111", "Anyone"), segments(List.of(anyone, top), "555", "111"));
    assertEquals(Map.of("555", "Top", "111", "Others"), segments(List.of(top), "555", "111"));
  }
}
