package com.customervalue.segments.report;

import static com.customervalue.segments.report.Html.chart;
import static com.customervalue.segments.report.Html.decimal;
import static com.customervalue.segments.report.Html.escape;
import static com.customervalue.segments.report.Html.money;
import static com.customervalue.segments.report.Html.percent;
import static com.customervalue.segments.report.Html.table;
import static com.customervalue.segments.report.Html.whole;

import com.customervalue.segments.report.ReportFigures.CohortCell;
import com.customervalue.segments.report.ReportFigures.HeatCell;
import com.customervalue.segments.report.ReportFigures.HistogramBin;
import com.customervalue.segments.report.ReportFigures.MapCell;
import com.customervalue.segments.report.ReportFigures.Segment;
import java.awt.Color;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report's sections on buyers, the customers with a purchase in the window: the R × F heat map,
 * how their money is spread, the RFM segments and the segment map; and the cohort triangle of every
 * customer who ever bought.
 */
final class BuyerSections {
  private BuyerSections() {}

  static void heatMap(StringBuilder html, List<HeatCell> cells) {
    html.append("<h2>RFM heat map</h2>\n");
    chart(
        html,
        DistributionCharts.rfmHeatMap(cells),
        "Buyers by recency score (rows) and frequency score (columns). The number is the buyers in"
            + " the cell, the colour their average monetary (log scale).");
  }

  /** The monetary histogram, then the Lorenz curve beside the top buyers' shares of revenue. */
  static void monetary(StringBuilder html, ReportFigures figures) {
    html.append("<h2>Monetary distribution</h2>\n");
    long atOrBelowZero =
        figures.monetaryHistogram().stream()
            .filter(bin -> bin.lower().isEmpty())
            .mapToLong(HistogramBin::customers)
            .sum();
    chart(
        html,
        DistributionCharts.monetaryHistogram(figures.monetaryHistogram()),
        "Buyers per band of net revenue, "
            + "four bands a decade."
            + (atOrBelowZero > 0
                ? " Not shown: "
                    + whole(atOrBelowZero)
                    + " buyers whose returns cancel their purchases (0 or less)."
                : ""));
    html.append("<div class=\"pair\">\n");
    chart(
        html,
        DistributionCharts.lorenzCurve(figures.lorenz(), figures.gini()),
        String.format(
            Locale.ROOT,
            "Lorenz curve: Gini %.3f; the top 20 %% of buyers hold %s of net revenue.",
            figures.gini(),
            percent(figures.topShare(20))));
    html.append("<div>\n");
    table(
        html,
        List.of("top buyers", "share of net revenue"),
        figures.topShares().stream()
            .map(top -> List.of(top.percent() + " %", percent(top.valueShare())))
            .toList());
    html.append("</div>\n</div>\n");
  }

  static void segments(StringBuilder html, List<Segment> segments) {
    html.append("<h2>RFM segments</h2>\n");
    chart(
        html,
        BarCharts.segmentShares(segments),
        "Share of buyers and of net revenue per " + "RFM segment.");
    table(
        html,
        List.of(
            "segment",
            "buyers",
            "share",
            "revenue",
            "revenue share",
            "avg recency (days)",
            "avg frequency",
            "avg monetary"),
        segments.stream()
            .map(
                segment ->
                    List.of(
                        escape(segment.segment()),
                        whole(segment.customers()),
                        percent(segment.customerShare()),
                        money(segment.revenue()),
                        percent(segment.revenueShare()),
                        decimal(segment.avgRecencyDays(), 1),
                        decimal(segment.avgFrequency(), 2),
                        money(segment.avgMonetary())))
            .toList());
  }

  /**
   * The segment map of rfm_segment_map: one R × F grid per M score, highest M first, each cell
   * coloured by its segment with its buyers in it, and a legend of the segments in the order of
   * their best cell.
   */
  static void segmentMap(StringBuilder html, List<MapCell> cells) {
    html.append("<h2>RFM segment map</h2>\n");
    Map<String, long[]> segments = new LinkedHashMap<>();
    for (MapCell cell : cells) {
      long[] cellsAndBuyers = segments.computeIfAbsent(cell.segment(), s -> new long[2]);
      cellsAndBuyers[0]++;
      cellsAndBuyers[1] += cell.customers();
    }
    SegmentColours colours = new SegmentColours(List.copyOf(segments.keySet()));
    html.append(
        "<p class=\"note\">Every cell of recency × frequency × monetary scores and the segment the"
            + " rules name it; the number is the buyers in the cell. One grid per monetary score:"
            + " rows are recency scores (5 = most recent), columns frequency scores.</p>\n");
    html.append("<div class=\"legend\">\n");
    segments.forEach(
        (segment, cellsAndBuyers) ->
            html.append("<span><i style=\"background:")
                .append(colours.background(segment))
                .append("\"></i>")
                .append(escape(segment))
                .append(": ")
                .append(cellsAndBuyers[0])
                .append(cellsAndBuyers[0] == 1 ? " cell, " : " cells, ")
                .append(whole(cellsAndBuyers[1]))
                .append(" buyers</span>\n"));
    html.append("</div>\n<div class=\"maps\">\n");
    int bins = cells.stream().mapToInt(MapCell::r).max().orElse(0);
    Map<String, MapCell> byCell = new LinkedHashMap<>();
    cells.forEach(cell -> byCell.put("" + cell.r() + cell.f() + cell.m(), cell));
    for (int m = bins; m >= 1; m--) {
      html.append("<table class=\"map\">\n<caption>M = ").append(m).append("</caption>\n");
      html.append("<tr><th>R \\ F</th>");
      for (int f = 1; f <= bins; f++) {
        html.append("<th>").append(f).append("</th>");
      }
      html.append("</tr>\n");
      for (int r = bins; r >= 1; r--) {
        html.append("<tr><th>").append(r).append("</th>");
        for (int f = 1; f <= bins; f++) {
          MapCell cell = byCell.get("" + r + f + m);
          if (cell == null) {
            html.append("<td></td>");
            continue;
          }
          html.append("<td style=\"background:")
              .append(colours.background(cell.segment()))
              .append(";color:")
              .append(colours.text(cell.segment()))
              .append("\" title=\"")
              .append(r)
              .append(f)
              .append(m)
              .append(' ')
              .append(escape(cell.segment()))
              .append(": ")
              .append(whole(cell.customers()))
              .append(" buyers\">")
              .append(cell.customers() == 0 ? "" : whole(cell.customers()))
              .append("</td>");
        }
        html.append("</tr>\n");
      }
      html.append("</table>\n");
    }
    html.append("</div>\n");
  }

  /**
   * The cohort triangle of cohort_retention: a row per cohort month, a column per month since the
   * first purchase, each cell's colour and number its retention share. The colours span 0 to the
   * highest share after month 0 (month 0 is 100 % by definition and drawn in the darkest colour).
   */
  static void cohorts(StringBuilder html, List<CohortCell> cells, LocalDate asOf) {
    html.append("<h2>Cohort retention</h2>\n");
    LocalDate lastDay = asOf.minusDays(1);
    html.append(
        "<p class=\"note\">Customers by the month of their first purchase (rows, with their"
            + " number), and the share of them who bought again in each calendar month since"
            + " (columns: months since the first purchase; the whole history before the as-of"
            + " date). The last column of each row, "
            + lastDay.toString().substring(0, 7)
            + (lastDay.getDayOfMonth() == lastDay.lengthOfMonth()
                ? ", is a complete month."
                : ", is partial: up to " + lastDay + ".")
            + "</p>\n");
    double highest =
        cells.stream()
            .filter(cell -> cell.monthsSinceFirst() > 0)
            .mapToDouble(CohortCell::retentionShare)
            .max()
            .orElse(1);
    HeatScale scale = new HeatScale(0, highest > 0 ? highest : 1);
    int months = cells.stream().mapToInt(CohortCell::monthsSinceFirst).max().orElse(0);
    html.append("<table class=\"cohort\">\n<tr><th>first purchase</th><th>customers</th>");
    for (int m = 0; m <= months; m++) {
      html.append("<th>").append(m).append("</th>");
    }
    html.append("</tr>\n");
    Map<LocalDate, List<CohortCell>> rows = new LinkedHashMap<>();
    cells.forEach(
        cell ->
            rows.computeIfAbsent(cell.cohortMonth(), c -> new java.util.ArrayList<>()).add(cell));
    rows.forEach(
        (cohort, row) -> {
          String month = cohort.toString().substring(0, 7);
          html.append("<tr><th>")
              .append(month)
              .append("</th><td>")
              .append(whole(row.get(0).cohortCustomers()))
              .append("</td>");
          for (CohortCell cell : row) {
            Color colour = (Color) scale.getPaint(cell.retentionShare());
            html.append("<td style=\"background:")
                .append(String.format(Locale.ROOT, "#%06x", colour.getRGB() & 0xFFFFFF))
                .append(";color:")
                .append(scale.isDark(cell.retentionShare()) ? "#fff" : "#000")
                .append("\" title=\"")
                .append(month)
                .append(" +")
                .append(cell.monthsSinceFirst())
                .append(": ")
                .append(whole(cell.activeCustomers()))
                .append(" of ")
                .append(whole(cell.cohortCustomers()))
                .append(" customers\">")
                .append(percent(cell.retentionShare()))
                .append("</td>");
          }
          html.append("</tr>\n");
        });
    html.append("</table>\n");
  }
}
