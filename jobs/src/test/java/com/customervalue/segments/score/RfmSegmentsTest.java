package com.customervalue.segments.score;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.customervalue.segments.SparkTestSession;
import com.customervalue.segments.config.ConfigLayers;
import com.customervalue.segments.job.JobSettings;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class RfmSegmentsTest extends SparkTestSession {
  private static final List<SegmentRule> DEFAULT_RULES =
      JobSettings.load(ConfigLayers.layered(Optional.empty(), Map.of("segments.input.path", "x")))
          .scoring()
          .segmentRules();

  /** The segment of each RFM cell ("---" for a customer without scores). */
  private static Map<String, String> segments(List<SegmentRule> rules, String... cells) {
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
    return RfmSegments.assign(spark.createDataFrame(rows, schema), rules).collectAsList().stream()
        .collect(
            Collectors.toMap(
                row -> row.getString(0),
                row -> String.valueOf((Object) row.getAs(RfmSegments.RFM_SEGMENT))));
  }

  @Test
  void theFirstMatchingRuleOfTheDefaultTableWins() {
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
    assertEquals(expected, segments(DEFAULT_RULES, expected.keySet().toArray(String[]::new)));
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
