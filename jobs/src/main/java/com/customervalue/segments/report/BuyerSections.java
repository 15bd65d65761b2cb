package com.customervalue.segments.report;

import static com.customervalue.segments.report.Html.chart;
import static com.customervalue.segments.report.Html.decimal;
import static com.customervalue.segments.report.Html.escape;
import static com.customervalue.segments.report.Html.money;
import static com.customervalue.segments.report.Html.percent;
import static com.customervalue.segments.report.Html.table;
import static com.customervalue.segments.report.Html.whole;

import com.customervalue.segments.report.ReportFigures.HeatCell;
import com.customervalue.segments.report.ReportFigures.HistogramBin;
import com.customervalue.segments.report.ReportFigures.MapCell;
import com.customervalue.segments.report.ReportFigures.Segment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report's sections on buyers, the customers with a purchase in the window: the R × F heat map,
 * how their money is spread, the RFM segments and the segment map.
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
}
