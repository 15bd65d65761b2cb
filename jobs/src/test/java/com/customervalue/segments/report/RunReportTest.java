package com.customervalue.segments.report;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.customervalue.segments.OnlineRetailHistory;
import com.customervalue.segments.SparkTestSession;
import com.customervalue.segments.catalog.Catalog;
import com.customervalue.segments.config.ConfigLayers;
import com.customervalue.segments.ingest.IngestCounts;
import com.customervalue.segments.job.JobSettings;
import com.customervalue.segments.job.SegmentationJob;
import com.customervalue.segments.report.ReportFigures.RunFacts;
import com.customervalue.segments.tier.RankWeights;
import com.customervalue.segments.tier.TierOutcome;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report of a real run: Online Retail as of 2011-06-01 without a report (--no-report),
 * then as of 2011-12-10 with one ({@link OnlineRetailHistory}). Its figures are checked against the
 * published tables, and headless Chromium draws it: the screenshot is kept in
 * jobs/target/report-screenshots/.
 */
class RunReportTest extends SparkTestSession {
  private static final String JUNE = OnlineRetailHistory.JUNE;
  private static final String DECEMBER = OnlineRetailHistory.DECEMBER;
  private static final Path SCREENSHOTS =
      repositoryRoot().resolve("jobs/target/report-screenshots");
  private static final Pattern SVG = Pattern.compile("<svg.*?</svg>", Pattern.DOTALL);
  private static final Pattern TEXT =
      Pattern.compile("<text [^>]*style='([^']*)'[^>]*>([^<]*)</text>");

  static Path root;
  @TempDir static Path scratch;
  static String html;

  @BeforeAll
  static void twoSnapshotsTheSecondWithReport() throws IOException {
    root = OnlineRetailHistory.root(spark);
    html = Files.readString(reportOf(DECEMBER), StandardCharsets.UTF_8);
  }

  private static Path reportOf(String snapshot) {
    return root.resolve(Catalog.REPORT)
        .resolve("snapshot_date=" + snapshot)
        .resolve(Catalog.REPORT_FILE);
  }

  private static Dataset<Row> table(String name, String snapshot) {
    return spark.read().parquet(root.resolve(name).resolve("snapshot_date=" + snapshot).toString());
  }

  @Test
  void aRunWithoutReportWritesNoneButPublishesItsTables() {
    assertFalse(Files.exists(reportOf(JUNE).getParent()), "no report for the --no-report run");
    assertTrue(
        Files.isDirectory(
            root.resolve(Catalog.CUSTOMER_SEGMENTS.name()).resolve("snapshot_date=" + JUNE)));
  }

  @Test
  void theReportIsOneSelfContainedPageOfInlineCharts() {
    assertEquals(
        7,
        SVG.matcher(html).results().count(),
        "tiers, heat map, histogram, Lorenz, segments, migration, P(alive)");
    for (String external :
        List.of("<script", "<link", "<img", "<iframe", "src=", "@import", "url(http")) {
      assertFalse(
          html.contains(external), "the page must need nothing from elsewhere: " + external);
    }
    assertTrue(html.startsWith("<!DOCTYPE html>") && html.contains("<meta charset=\"utf-8\">"));
  }

  @Test
  void theTierTableShowsTierSummaryWithTheConfiguredNames() {
    List<Row> tiers =
        table(Catalog.TIER_SUMMARY.name(), DECEMBER)
            .orderBy("tier_rank")
            .select("value_tier_name", "customers", "buyers", "repeat_rate")
            .collectAsList();
    assertEquals(
        List.of("金钻客户 Gold", "白银客户 Silver", "铜客户 Copper", "铁客户 Iron"),
        tiers.stream().map(row -> row.getString(0)).toList());
    for (Row tier : tiers) {
      String expected =
          "<tr><td>" + tier.getString(0) + "</td><td>" + whole(tier.getLong(1)) + "</td>";
      int at = html.indexOf(expected);
      assertTrue(at >= 0, "tier row " + expected);
      String buyersAndRepeat =
          "<td>"
              + whole(tier.getLong(2))
              + "</td><td>"
              + String.format(Locale.ROOT, "%.1f %%", 100 * tier.getDouble(3))
              + "</td>";
      assertTrue(
          html.indexOf(buyersAndRepeat, at) > at,
          "buyers and repeat rate of " + tier.getString(0) + ": " + buyersAndRepeat);
    }
  }

  @Test
  void theHeatMapCellsAreTheBuyersOfEachRecencyAndFrequencyScore() {
    String heatMap = chartAfter("RFM heat map");
    List<Long> expected =
        table(Catalog.CUSTOMER_SEGMENTS.name(), DECEMBER)
            .where(col("r_score").isNotNull())
            .groupBy("r_score", "f_score")
            .count()
            .orderBy("f_score", "r_score")
            .collectAsList()
            .stream()
            .map(row -> row.getLong(2))
            .sorted()
            .toList();
    // The cell labels are the only bold numbers in the chart (ticks are regular, axis labels
    // words).
    List<Long> cells = new ArrayList<>();
    Matcher text = TEXT.matcher(heatMap);
    while (text.find()) {
      if (text.group(1).contains("bold") && text.group(2).matches("[0-9,]+")) {
        cells.add(Long.parseLong(text.group(2).replace(",", "")));
      }
    }
    assertEquals(expected, cells.stream().sorted().toList());
    assertEquals(25, cells.size(), "5 × 5 scores");
  }

  @Test
  void theCohortTriangleIsEveryCellOfCohortRetentionColouredByItsShare() {
    int heading = html.indexOf("<h2>Cohort retention</h2>");
    assertTrue(heading >= 0, "a cohort retention section");
    String section = html.substring(heading, html.indexOf("<h2>", heading + 1));
    assertTrue(section.contains("2011-12, is partial: up to 2011-12-09."), "the partial month");
    Map<String, String> expected = new HashMap<>();
    double highest = 0;
    for (Row row : table(Catalog.COHORT_RETENTION.name(), DECEMBER).collectAsList()) {
      String cell = row.getDate(0).toString().substring(0, 7) + " +" + row.<Integer>getAs(1);
      expected.put(
          cell,
          whole(row.getLong(3))
              + " of "
              + whole(row.getLong(2))
              + " customers: "
              + String.format(Locale.ROOT, "%.1f %%", 100 * row.getDouble(4)));
      if (row.getInt(1) > 0) {
        highest = Math.max(highest, row.getDouble(4));
      }
    }
    assertEquals(13 * 14 / 2, expected.size(), "13 cohorts, December 2010 to December 2011");
    Map<String, String> drawn = new HashMap<>();
    Matcher cell =
        Pattern.compile(
                "<td style=\"background:#([0-9a-f]{6});color:#[0-9a-f]{3}\" title=\"([0-9-]{7}"
                    + " \\+[0-9]+): ([0-9,]+ of [0-9,]+ customers)\">([0-9.]+ %)</td>")
            .matcher(section);
    HeatScale scale = new HeatScale(0, highest);
    while (cell.find()) {
      drawn.put(cell.group(2), cell.group(3) + ": " + cell.group(4));
      String share = cell.group(4);
      double value = Double.parseDouble(share.substring(0, share.length() - 2)) / 100;
      Color colour = new Color(Integer.parseInt(cell.group(1), 16));
      if (cell.group(2).endsWith(" +0")) {
        assertEquals(ReportCharts.HEAT_HIGH, colour, "month 0 is the darkest");
      } else if (value == 0) {
        assertEquals(ReportCharts.HEAT_LOW, colour, "nobody bought in " + cell.group(2));
      } else {
        // The colour follows the share (to the rounding of the percentage shown).
        Color near = (Color) scale.getPaint(value);
        assertTrue(
            Math.abs(near.getGreen() - colour.getGreen()) <= 3,
            cell.group(2) + " " + colour + " vs " + near);
      }
    }
    assertEquals(expected, drawn);
  }

  @Test
  void theTierProfilesSayHowTiersAreRankedAndWhichModelAssignedThem() {
    assertTrue(
        html.contains(
            "ranked by the value score of their centroid: 1.00 × monetary + 0.50 × frequency"
                + " − 0.25 × recency"),
        "the configured rank weights");
    assertTrue(
        html.contains("The tiers were assigned with the model trained as of " + JUNE + ", reused"),
        "December reuses June's model");
    assertFalse(html.contains("Model drift"), "a reused model has no drift to show");
  }

  @Test
  void theSegmentMapShowsEveryCellOfRfmSegmentMapColouredBySegment() {
    int heading = html.indexOf("<h2>RFM segment map</h2>");
    assertTrue(heading >= 0, "a segment map section");
    String section = html.substring(heading, html.indexOf("<h2>", heading + 1));
    Map<String, String> expected = new HashMap<>();
    table(Catalog.RFM_SEGMENT_MAP.name(), DECEMBER)
        .collectAsList()
        .forEach(
            row ->
                expected.put(
                    row.getAs("rfm_cell"),
                    row.getAs("rfm_segment") + ": " + whole(row.<Long>getAs("customers"))));
    assertEquals(125, expected.size());
    Map<String, String> drawn = new HashMap<>();
    Map<String, String> colourOf = new HashMap<>();
    Matcher cell =
        Pattern.compile(
                "<td style=\"background:(#[0-9a-f]{6});color:#[0-9a-f]{3}\" title=\"([1-5]{3})"
                    + " ([^:\"]+: [0-9,]+) buyers\">([0-9,]*)</td>")
            .matcher(section);
    while (cell.find()) {
      drawn.put(cell.group(2), cell.group(3));
      String segment = cell.group(3).substring(0, cell.group(3).indexOf(':'));
      assertEquals(
          cell.group(1),
          colourOf.computeIfAbsent(segment, s -> cell.group(1)),
          "one colour per segment");
      String count = cell.group(3).substring(cell.group(3).indexOf(": ") + 2);
      assertEquals(count.equals("0") ? "" : count, cell.group(4), "the number in " + cell.group(2));
    }
    assertEquals(expected, drawn);
    assertEquals(11, colourOf.size(), "eleven segments, eleven colours");
    assertEquals(5, section.split("<caption>M = ", -1).length - 1, "one grid per M score");
  }

  @Test
  void theMigrationMatrixIsTierMigration() {
    assertTrue(html.contains("by the tier they had on " + JUNE));
    List<String> to = List.of("gold", "silver", "copper", "iron", "departed");
    Map<String, String> names =
        Map.of(
            "gold",
            "金钻客户 Gold",
            "silver",
            "白银客户 Silver",
            "copper",
            "铜客户 Copper",
            "iron",
            "铁客户 Iron",
            "new",
            "new");
    Map<String, Long> moves = new HashMap<>();
    table(Catalog.TIER_MIGRATION.name(), DECEMBER)
        .filter("measure = 'movement'")
        .collectAsList()
        .forEach(
            row ->
                moves.put(
                    row.getAs("from_tier") + ">" + row.getAs("to_tier"), row.getAs("customers")));
    for (String from : List.of("gold", "silver", "copper", "iron", "new")) {
      StringBuilder row = new StringBuilder("<tr><td>" + names.get(from) + "</td>");
      long total = 0;
      for (String target : to) {
        long customers = moves.getOrDefault(from + ">" + target, 0L);
        total += customers;
        row.append("<td>").append(customers == 0 ? "" : whole(customers)).append("</td>");
      }
      row.append("<td>").append(whole(total)).append("</td></tr>");
      assertTrue(html.contains(row), "migration row " + row);
    }
  }

  @Test
  void thePlaybookGridIsEveryTierByEveryStatusWithItsCustomersAndAction() {
    assertPlaybookGrid(html);
  }

  /**
   * The grid in {@code page} (the report, or the DOM Chromium built from it) holds, for each tier
   * and lifecycle status, the customers of customer_segments and their recommended action.
   */
  private static void assertPlaybookGrid(String page) {
    int start = page.indexOf("<div id=\"playbook-grid\">");
    assertTrue(start >= 0, "the tier × status grid of the playbook");
    String grid = page.substring(start, page.indexOf("</table>", start));
    List<String> statuses = List.of("new", "active", "at_risk", "lapsed", "prospect");
    assertTrue(
        grid.contains(
            "<tr><th>tier \\ status</th><th>new</th><th>active</th><th>at_risk</th><th>lapsed</th>"
                + "<th>prospect</th><th>customers</th></tr>"),
        "the grid's columns: " + grid);
    Map<String, Long> customers = new HashMap<>();
    Map<String, String> actions = new HashMap<>();
    table(Catalog.CUSTOMER_SEGMENTS.name(), DECEMBER)
        .groupBy("value_tier", "lifecycle_status", "recommended_action")
        .count()
        .collectAsList()
        .forEach(
            row -> {
              String cell = row.getString(0) + "/" + row.getString(1);
              assertEquals(null, actions.put(cell, row.getString(2)), "one action per cell");
              customers.put(cell, row.getLong(3));
            });
    Map<String, String> names =
        Map.of(
            "gold", "金钻客户 Gold",
            "silver", "白银客户 Silver",
            "copper", "铜客户 Copper",
            "iron", "铁客户 Iron");
    int cells = 0;
    for (String tier : List.of("gold", "silver", "copper", "iron")) {
      Matcher row =
          Pattern.compile("<tr><td>" + Pattern.quote(names.get(tier)) + "</td>(.*?)</tr>")
              .matcher(grid);
      assertTrue(row.find(), "the grid's row of " + tier);
      Matcher td = Pattern.compile("<td[^>]*>(.*?)</td>").matcher(row.group(1));
      List<String> shown = new ArrayList<>();
      while (td.find()) {
        shown.add(td.group(1));
      }
      List<String> expected = new ArrayList<>();
      long total = 0;
      for (String status : statuses) {
        long count = customers.getOrDefault(tier + "/" + status, 0L);
        total += count;
        cells += count == 0 ? 0 : 1;
        expected.add(
            count == 0 ? "" : "<b>" + whole(count) + "</b><br>" + actions.get(tier + "/" + status));
      }
      expected.add(whole(total));
      assertEquals(expected, shown, "the grid's row of " + tier);
    }
    assertEquals(customers.size(), cells, "every tier and status with customers is in the grid");
    // Prospects and lapsed buyers get different actions (Online Retail has both, in iron).
    assertEquals(
        "First-purchase incentive: a welcome offer on the first order",
        actions.get("iron/prospect"));
    assertEquals("Win-back campaign with a comeback offer", actions.get("iron/lapsed"));
  }

  @Test
  void theAmountLevelsShowTheConfiguredBandsInPounds() {
    Map<Integer, Long> levels = new HashMap<>();
    table(Catalog.CUSTOMER_SEGMENTS.name(), DECEMBER)
        .groupBy("amount_level")
        .count()
        .collectAsList()
        .forEach(row -> levels.put(row.getInt(0), row.getLong(1)));
    long flagged =
        table(Catalog.CUSTOMER_SEGMENTS.name(), DECEMBER).where(col("amount_above_cap")).count();
    // conf/online-retail.conf: [250, 1000, 5000, 20000, 50000] with cap 250000, in GBP.
    List<String> bands =
        List.of(
            "below 250",
            "250 – 1,000",
            "1,000 – 5,000",
            "5,000 – 20,000",
            "20,000 – 50,000",
            "50,000 – 250,000");
    assertTrue(html.contains("<h2>Amount levels</h2>"));
    assertTrue(html.contains("in the 365 days before the as-of date, in GBP."));
    assertTrue(
        html.contains("<th>band (GBP)</th><th>customers</th><th>share</th><th>revenue (GBP)</th>"));
    for (int level = 0; level < bands.size(); level++) {
      String row =
          "<tr><td>"
              + level
              + "</td><td>"
              + bands.get(level)
              + "</td><td>"
              + whole(levels.getOrDefault(level, 0L))
              + "</td>";
      assertTrue(html.contains(row), "amount level row " + row);
    }
    assertEquals(1, flagged, "one Online Retail customer spent more than 250,000 in the year");
    assertTrue(
        html.contains(
            "<tr><td></td><td>of which above 250,000 (flagged)</td><td>"
                + whole(flagged)
                + "</td>"));
  }

  @Test
  void dataQualityIsTheRunRecordsCounts() {
    Row record = table(Catalog.JOB_RUNS.name(), DECEMBER).first();
    long read = record.getAs("rows_read");
    long quarantined = record.getAs("rows_quarantined");
    assertTrue(html.contains("<tr><td>rows read</td><td>" + whole(read) + "</td></tr>"));
    assertTrue(html.contains("<tr><td>quarantined</td><td>" + whole(quarantined) + "</td></tr>"));
    scala.collection.Map<String, Long> reasons = record.getAs("quarantined_by_reason");
    assertFalse(reasons.isEmpty(), "Online Retail has rows without customer");
    reasons.foreach(
        reason -> {
          assertTrue(
              html.contains(
                  "<td>&nbsp;&nbsp;" + reason._1() + "</td><td>" + whole(reason._2()) + "</td>"),
              "quarantine reason " + reason._1());
          return null;
        });
  }

  /**
   * The breakdown by country (conf/online-retail.conf) is segment_breakdown summed here: the ten
   * countries with the most customers, each with its customers per tier and the share of its
   * revenue each tier brings, then the other 27 countries in one row.
   */
  @Test
  void theBreakdownByCountryIsSegmentBreakdownsTenLargestCountriesAndTheRest() {
    int heading = html.indexOf("<h2>Breakdowns</h2>");
    assertTrue(heading >= 0, "the Breakdowns section");
    int start = html.indexOf("<div class=\"breakdown\" id=\"breakdown-country\">", heading);
    assertTrue(start >= 0, "the table of the breakdown by country");
    String section = html.substring(start, html.indexOf("</table>", start));
    List<String> tiers = List.of("gold", "silver", "copper", "iron");
    assertTrue(
        section.contains(
            "<tr><th>country</th><th>customers</th><th>金钻客户 Gold</th><th>白银客户 Silver</th>"
                + "<th>铜客户 Copper</th><th>铁客户 Iron</th></tr>"),
        section);
    Map<String, long[]> customers = new HashMap<>();
    Map<String, double[]> revenue = new HashMap<>();
    for (Row row :
        table(Catalog.SEGMENT_BREAKDOWN.name(), DECEMBER)
            .filter(col("attribute").equalTo("country"))
            .collectAsList()) {
      String country = row.getAs("attribute_value");
      int tier = tiers.indexOf(row.<String>getAs("value_tier"));
      customers.computeIfAbsent(country, c -> new long[4])[tier] += row.<Long>getAs("customers");
      revenue.computeIfAbsent(country, c -> new double[4])[tier] +=
          row.<java.math.BigDecimal>getAs("revenue").doubleValue();
    }
    List<String> countries =
        customers.keySet().stream()
            .sorted(
                java.util.Comparator.comparingLong(
                        (String c) -> -Arrays.stream(customers.get(c)).sum())
                    .thenComparing(c -> c))
            .toList();
    assertEquals(37, countries.size());
    assertEquals("United Kingdom", countries.get(0));
    long[] otherCustomers = new long[4];
    double[] otherRevenue = new double[4];
    List<String> expectedRows = new ArrayList<>();
    for (int i = 0; i < countries.size(); i++) {
      String country = countries.get(i);
      if (i < 10) {
        expectedRows.add(breakdownRow(country, customers.get(country), revenue.get(country)));
      } else {
        for (int t = 0; t < 4; t++) {
          otherCustomers[t] += customers.get(country)[t];
          otherRevenue[t] += revenue.get(country)[t];
        }
      }
    }
    expectedRows.add(breakdownRow("other (27 values)", otherCustomers, otherRevenue));
    int at = 0;
    for (String row : expectedRows) {
      int found = section.indexOf(row, at);
      assertTrue(found > at, "breakdown row, in order: " + row + "\nin " + section);
      at = found;
    }
    assertEquals(expectedRows.size() + 1, section.split("<tr>").length - 1, "header + 11 rows");
  }

  private static String breakdownRow(String label, long[] customers, double[] revenue) {
    double total = Arrays.stream(revenue).sum();
    StringBuilder row =
        new StringBuilder("<tr><td>")
            .append(label)
            .append("</td><td>")
            .append(whole(Arrays.stream(customers).sum()))
            .append("</td>");
    for (int t = 0; t < 4; t++) {
      row.append("<td>")
          .append(whole(customers[t]))
          .append(" · ")
          .append(String.format(Locale.ROOT, "%.1f %%", 100 * revenue[t] / total))
          .append("</td>");
    }
    return row.append("</tr>").toString();
  }

  /** The text of the section {@code <h2>title</h2>} of {@code page}, up to the next one. */
  private static String section(String page, String title) {
    int heading = page.indexOf("<h2>" + title + "</h2>");
    assertTrue(heading >= 0, "a section " + title);
    int next = page.indexOf("<h2>", heading + 1);
    return page.substring(heading, next < 0 ? page.length() : next);
  }

  /**
   * The rows the predicted value shows per tier or status, computed here from customer_segments:
   * name, customers, with a P(alive), mean P(alive), expected purchases, total and mean CLV.
   */
  private static List<String> valueRows(
      Dataset<Row> segments, String group, Map<String, String> names) {
    return segments
        .groupBy(group)
        .agg(
            functions.count(functions.lit(1)),
            functions.count("p_alive"),
            functions.avg("p_alive"),
            functions.sum("expected_purchases"),
            functions.sum(col("clv").cast("double")),
            functions.avg(col("clv").cast("double")))
        .collectAsList()
        .stream()
        .map(
            row ->
                "<tr><td>"
                    + names.getOrDefault(row.getString(0), row.getString(0))
                    + "</td><td>"
                    + whole(row.getLong(1))
                    + "</td><td>"
                    + whole(row.getLong(2))
                    + "</td><td>"
                    + shown(row, 3, "%.3f")
                    + "</td><td>"
                    + shown(row, 4, "%,.1f")
                    + "</td><td>"
                    + shown(row, 5, "%,.2f")
                    + "</td><td>"
                    + shown(row, 6, "%,.2f")
                    + "</td></tr>")
        .toList();
  }

  /** A number of {@code row} as the report shows it: "–" for none (prospects have no P(alive)). */
  private static String shown(Row row, int index, String format) {
    return row.isNullAt(index) ? "–" : String.format(Locale.ROOT, format, row.getDouble(index));
  }

  @Test
  void thePredictedValueIsCustomerSegmentsByTierAndStatusWithTheDistributionOfPAlive() {
    String section = section(html, "Predicted value");
    assertTrue(
        section.contains(
            "P(alive) and the expected purchases are those of bgnbd (the first of"
                + " segments.clv.models), fitted on every customer's purchase days up to"
                + " 2011-12-09, in weeks"),
        "the model, observation end and time unit");
    assertTrue(section.contains("The horizon is 365 days"), "the horizon");
    Dataset<Row> segments = table(Catalog.CUSTOMER_SEGMENTS.name(), DECEMBER);
    Map<String, String> names = new HashMap<>();
    List<Row> tiers =
        table(Catalog.TIER_SUMMARY.name(), DECEMBER)
            .select("value_tier", "value_tier_name", "mean_p_alive")
            .collectAsList();
    tiers.forEach(tier -> names.put(tier.getString(0), tier.getString(1)));
    List<String> rows = new ArrayList<>(valueRows(segments, "value_tier", names));
    rows.addAll(valueRows(segments, "lifecycle_status", Map.of()));
    assertEquals(4 + 5, rows.size(), "four tiers and five statuses");
    for (String row : rows) {
      assertTrue(section.contains(row), "predicted value row " + row);
    }
    // tier_summary's mean P(alive) is the one shown.
    for (Row tier : tiers) {
      assertTrue(
          rows.stream()
              .anyMatch(
                  row ->
                      row.startsWith("<tr><td>" + tier.getString(1) + "</td>")
                          && row.contains(
                              String.format(Locale.ROOT, "<td>%.3f</td>", tier.getDouble(2)))),
          "tier_summary.mean_p_alive of " + tier.getString(1));
    }

    // Ten bins of P(alive), counted here another way; the customers without one are not shown.
    Map<Integer, Long> bins = new HashMap<>();
    segments
        .where(col("p_alive").isNotNull())
        .selectExpr("CASE WHEN p_alive >= 0.9 THEN 9 ELSE CAST(p_alive * 10 AS INT) END AS bin")
        .groupBy("bin")
        .count()
        .collectAsList()
        .forEach(row -> bins.put(row.getInt(0), row.getLong(1)));
    for (int bin = 0; bin < 10; bin++) {
      String expected =
          String.format(
              Locale.ROOT,
              "<tr><td>%.1f–%.1f</td><td>%s</td>",
              bin / 10.0,
              (bin + 1) / 10.0,
              whole(bins.getOrDefault(bin, 0L)));
      assertTrue(section.contains(expected), "P(alive) bin " + expected);
    }
    assertTrue(
        SVG.matcher(section.substring(section.indexOf("<h3>Distribution of P(alive)</h3>"))).find(),
        "the P(alive) chart");

    // Every row of clv_model, to four significant digits; no holdout, so no backtest.
    List<Row> parameters =
        table(Catalog.CLV_MODEL.name(), DECEMBER)
            .select("model", "parameter", "value", "converged")
            .collectAsList();
    assertEquals(4 + 4 + 3, parameters.size(), "BG/NBD, Pareto/NBD and Gamma-Gamma, full fits");
    for (Row parameter : parameters) {
      String expected =
          "<td class=\"text\">"
              + parameter.getString(0)
              + "</td><td class=\"text\">"
              + parameter.getString(1)
              + "</td><td>"
              + String.format(Locale.ROOT, "%.4g", parameter.getDouble(2))
              + "</td>";
      assertTrue(section.contains(expected), "clv_model row " + expected);
    }
    assertTrue(section.contains("No holdout in this run"), "no backtest without a holdout");
  }

  @Test
  void withAHoldoutTheReportShowsTheBacktestOfClvBacktest() throws IOException {
    Path output = Files.createDirectories(scratch.resolve("cdnow"));
    SegmentationJob.run(
        spark,
        JobSettings.load(
            ConfigLayers.layered(
                Optional.of(repositoryRoot().resolve("conf/cdnow.conf").toFile()),
                Map.of(
                    "segments.input.path",
                    repositoryRoot().resolve("data-samples/cdnow_sample.parquet").toString(),
                    "segments.output.root",
                    output.toString(),
                    "segments.snapshot.as-of",
                    "1998-07-01"))));
    String page =
        Files.readString(
            output
                .resolve(Catalog.REPORT)
                .resolve("snapshot_date=1998-07-01")
                .resolve(Catalog.REPORT_FILE),
            StandardCharsets.UTF_8);
    String section = section(page, "Predicted value");
    String backtest = section.substring(section.indexOf("<h3>Holdout backtest</h3>"));
    List<Row> rows =
        spark
            .read()
            .parquet(output.resolve(Catalog.CLV_BACKTEST.name()).toString())
            .orderBy("model", "bin_order")
            .collectAsList();
    assertEquals(2 * 9, rows.size(), "two models × 0..6, 7+ and all");
    for (Row row : rows) {
      String expected =
          String.format(
              Locale.ROOT,
              "<tr><td>%s</td><td class=\"text\">%s</td><td>%s</td><td>%.3f</td><td>%.3f</td>",
              row.<String>getAs("model"),
              row.<String>getAs("repeat_purchases"),
              whole(row.<Long>getAs("customers")),
              row.<Double>getAs("actual_mean"),
              row.<Double>getAs("predicted_mean"));
      assertTrue(backtest.contains(expected), "clv_backtest row " + expected);
    }
    Matcher chart = SVG.matcher(backtest);
    assertTrue(chart.find(), "the actual-vs-predicted chart");
    String svg = chart.group();
    for (String series : List.of("actual", "predicted, bgnbd", "predicted, pareto-nbd", "7+")) {
      assertTrue(svg.contains(">" + series + "<"), "the chart shows " + series);
    }
    assertTrue(
        backtest.contains("holdout of 273 days from 1997-10-01"), "the holdout in the caption");
    // The calibration fits are in the model table too.
    assertTrue(section.contains("<tr><td>calibration</td>"), "calibration fits");
  }

  @Test
  void aFirstSnapshotHasNoMigrationChartButSaysWhy() {
    RunFacts facts =
        new RunFacts(
            LocalDate.parse(JUNE),
            "test",
            "online_retail.parquet",
            0,
            1,
            1,
            new IngestCounts(1, 1, Map.of(), 0, 0),
            new TierOutcome(
                4,
                0.5,
                Optional.empty(),
                1,
                Optional.empty(),
                Optional.empty(),
                new RankWeights(1.0, 0.5, 0.25)));
    String first =
        HtmlReport.render(
            ReportFigures.gather(
                facts,
                OnlineRetailHistory.settings(root, JUNE, Map.of()).classification().amountLevels(),
                OnlineRetailHistory.settings(root, JUNE, Map.of()).clv(),
                table(Catalog.CUSTOMER_SEGMENTS.name(), JUNE),
                table(Catalog.TIER_SUMMARY.name(), JUNE),
                table(Catalog.RFM_SEGMENT_SUMMARY.name(), JUNE),
                table(Catalog.RFM_SEGMENT_MAP.name(), JUNE),
                table(Catalog.VALUE_DISTRIBUTION.name(), JUNE),
                table(Catalog.TIER_MIGRATION.name(), JUNE),
                table(Catalog.COHORT_RETENTION.name(), JUNE),
                table(Catalog.SEGMENT_BREAKDOWN.name(), JUNE),
                table(Catalog.CLV_MODEL.name(), JUNE),
                table(Catalog.CLV_BACKTEST.name(), JUNE)));
    assertEquals(6, SVG.matcher(first).results().count());
    assertTrue(first.contains("This is the first snapshot under this output root"));
  }

  @Test
  void chromiumDrawsThePageWithItsCharts() throws Exception {
    HeadlessChromium chromium = HeadlessChromium.findOrSkip(scratch);
    Path page = reportOf(DECEMBER);
    Path png = SCREENSHOTS.resolve("online-retail-" + DECEMBER + ".png");
    chromium.screenshot(page, png, 1100, 6400);
    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(1100, image.getWidth());

    int[] pixels =
        image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    long background =
        Arrays.stream(pixels)
            .filter(pixel -> near(pixel, Color.WHITE) || near(pixel, new Color(0xF6, 0xF6, 0xF4)))
            .count();
    double drawn = 1 - (double) background / pixels.length;
    assertTrue(
        drawn > 0.10,
        String.format("the page is nearly blank: %.1f %% drawn (%s)", 100 * drawn, png));
    // Bars in both series colours and the heat map's top cell: the SVG charts were drawn, not just
    // parsed.
    for (Color colour :
        List.of(
            ReportCharts.CUSTOMERS_COLOUR, ReportCharts.REVENUE_COLOUR, ReportCharts.HEAT_HIGH)) {
      long count = Arrays.stream(pixels).filter(pixel -> near(pixel, colour)).count();
      assertTrue(
          count > 3_000, "only " + count + " pixels of chart colour " + colour + " in " + png);
    }
    // The segment map's cells: eight Champions cells and eight Can't Lose Them cells.
    for (Color colour : List.of(SegmentColours.CHAMPIONS, SegmentColours.CANT_LOSE_THEM)) {
      long count = Arrays.stream(pixels).filter(pixel -> near(pixel, colour)).count();
      assertTrue(
          count > 3_000, "only " + count + " pixels of segment colour " + colour + " in " + png);
    }

    String dom = chromium.dumpDom(page);
    assertEquals(7, SVG.matcher(dom).results().count(), "charts in the DOM Chromium built");
    assertTrue(dom.contains("<h2>Predicted value</h2>"), "the predicted value in the DOM");
    assertTrue(dom.contains("金钻客户 Gold"));
    assertPlaybookGrid(dom);
    assertTrue(dom.contains("<h2>Cohort retention</h2>"), "the cohort triangle");
    assertTrue(dom.contains("<h3>By country</h3>"), "the breakdown in the DOM Chromium built");
  }

  /** The SVG of the first chart after the heading {@code title}. */
  private static String chartAfter(String title) {
    int heading = html.indexOf("<h2>" + title + "</h2>");
    assertTrue(heading >= 0, "section " + title);
    Matcher svg = SVG.matcher(html);
    assertTrue(svg.find(heading), "a chart after " + title);
    return svg.group();
  }

  private static boolean near(int rgb, Color colour) {
    return Math.abs((rgb >> 16 & 0xFF) - colour.getRed()) <= 2
        && Math.abs((rgb >> 8 & 0xFF) - colour.getGreen()) <= 2
        && Math.abs((rgb & 0xFF) - colour.getBlue()) <= 2;
  }

  private static String whole(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }
}
