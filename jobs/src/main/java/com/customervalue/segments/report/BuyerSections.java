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
import com.customervalue.segments.report.ReportFigures.Segment;
import java.util.List;
import java.util.Locale;

/**
 * The report's sections on buyers, the customers with a purchase in the window: the R × F heat map,
 * how their money is spread, and the RFM segments.
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
}
