package com.customervalue.segments.report;

import com.customervalue.segments.distribute.TierMigration;
import com.customervalue.segments.report.ReportFigures.ActionCount;
import com.customervalue.segments.report.ReportFigures.HistogramBin;
import com.customervalue.segments.report.ReportFigures.RunFacts;
import com.customervalue.segments.report.ReportFigures.Tier;
import com.customervalue.segments.report.ReportFigures.TopShare;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Renders a run's {@link ReportFigures} as one self-contained HTML page: inline CSS and SVG charts,
 * no script and no external resource, so it opens anywhere, offline, and can be mailed.
 */
public final class HtmlReport {
  private static final String STYLE =
      """
      body { font-family: 'Noto Sans CJK SC', 'Noto Sans CJK JP', sans-serif;
             color: #222; margin: 0; background: #f6f6f4; }
      main { max-width: 1000px; margin: 0 auto; padding: 24px 32px 48px; background: #fff; }
      h1 { font-size: 26px; margin: 8px 0 4px; }
      h2 { font-size: 20px; margin: 36px 0 8px; border-bottom: 2px solid #c9a227; padding-bottom: 4px; }
      p.meta, p.note { color: #555; font-size: 13px; }
      .figures { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
      .figure { flex: 1 1 150px; background: #faf6e8; border-radius: 6px; padding: 10px 14px; }
      .figure b { display: block; font-size: 22px; }
      .figure span { color: #555; font-size: 12px; }
      figure { margin: 12px 0; }
      figure svg { width: 100%; height: auto; display: block; }
      figcaption { color: #555; font-size: 13px; margin-top: 4px; }
      .pair { display: flex; gap: 16px; flex-wrap: wrap; }
      .pair figure { flex: 0 1 560px; }
      table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; }
      th, td { padding: 4px 10px; border-bottom: 1px solid #e4e4e4; text-align: right; white-space: nowrap; }
      th { background: #f2f2f2; }
      th:first-child, td:first-child, td.text { text-align: left; }
      """;

  private HtmlReport() {}

  /** The page for {@code figures}, with the tiers' display names from the configuration. */
  public static String render(ReportFigures figures) {
    RunFacts run = figures.run();
    Map<String, String> names = new LinkedHashMap<>();
    figures.tiers().forEach(tier -> names.put(tier.tier(), tier.name()));
    Function<String, String> tierName = tier -> names.getOrDefault(tier, tier);
    StringBuilder html = new StringBuilder(200_000);
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>Customer value report ")
        .append(run.snapshotDate())
        .append("</title>\n")
        .append("<style>\n")
        .append(STYLE)
        .append("</style>\n</head>\n<body>\n<main>\n");

    html.append("<h1>Customer value report, snapshot ")
        .append(run.snapshotDate())
        .append("</h1>\n")
        .append("<p class=\"meta\">Run ")
        .append(escape(run.runId()))
        .append(" on ")
        .append(escape(run.inputPath()))
        .append(
            run.windowDays() == 0 ? ", whole history" : ", window of " + run.windowDays() + " days")
        .append(". Every figure below is computed from this snapshot's published tables.</p>\n");
    double revenue = figures.tiers().stream().mapToDouble(Tier::revenue).sum();
    double topTwenty =
        figures.topShares().stream()
            .filter(top -> top.percent() == 20)
            .mapToDouble(TopShare::valueShare)
            .findFirst()
            .orElse(Double.NaN);
    html.append("<div class=\"figures\">\n");
    figure(html, whole(run.customers()), "customers");
    figure(html, whole(run.buyers()), "buyers (a purchase in the window)");
    figure(html, money(revenue), "net revenue");
    figure(html, String.format(Locale.ROOT, "%.3f", figures.gini()), "Gini of monetary");
    figure(html, percent(topTwenty), "of revenue from the top 20 % of buyers");
    html.append("</div>\n");

    html.append("<h2>Value tiers</h2>\n");
    chart(
        html,
        ReportCharts.tierShares(figures.tiers()),
        "Share of customers and of net revenue per tier (k-means on log recency, frequency and"
            + " monetary; iron includes customers without a purchase).");
    table(
        html,
        List.of("tier", "customers", "share", "buyers", "revenue", "revenue share"),
        figures.tiers().stream()
            .map(
                tier ->
                    List.of(
                        escape(tier.name()),
                        whole(tier.customers()),
                        percent(tier.customerShare()),
                        whole(tier.buyers()),
                        money(tier.revenue()),
                        percent(tier.revenueShare())))
            .toList());

    html.append("<h2>Tier profiles</h2>\n")
        .append(
            "<p class=\"note\">The k-means centroid of each tier in original units, beside the"
                + " medians of its buyers.</p>\n");
    table(
        html,
        List.of(
            "tier",
            "centroid recency (days)",
            "centroid frequency",
            "centroid monetary",
            "median recency (days)",
            "median frequency",
            "median monetary"),
        figures.tiers().stream()
            .map(
                tier ->
                    List.of(
                        escape(tier.name()),
                        decimal(tier.centroidRecencyDays(), 1),
                        decimal(tier.centroidFrequency(), 1),
                        money(tier.centroidMonetary()),
                        decimal(tier.medianRecencyDays(), 1),
                        decimal(tier.medianFrequency(), 1),
                        money(tier.medianMonetary())))
            .toList());

    html.append("<h2>RFM heat map</h2>\n");
    chart(
        html,
        ReportCharts.rfmHeatMap(figures.heatMap()),
        "Buyers by recency score (rows) and frequency score (columns). The number is the buyers in"
            + " the cell, the colour their average monetary (log scale).");

    html.append("<h2>Monetary distribution</h2>\n");
    long atOrBelowZero =
        figures.monetaryHistogram().stream()
            .filter(bin -> bin.lower().isEmpty())
            .mapToLong(HistogramBin::customers)
            .sum();
    chart(
        html,
        ReportCharts.monetaryHistogram(figures.monetaryHistogram()),
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
        ReportCharts.lorenzCurve(figures.lorenz(), figures.gini()),
        String.format(
            Locale.ROOT,
            "Lorenz curve: Gini %.3f; the top 20 %% of buyers hold %s of net revenue.",
            figures.gini(),
            percent(topTwenty)));
    html.append("<div>\n");
    table(
        html,
        List.of("top buyers", "share of net revenue"),
        figures.topShares().stream()
            .map(top -> List.of(top.percent() + " %", percent(top.valueShare())))
            .toList());
    html.append("</div>\n</div>\n");

    html.append("<h2>RFM segments</h2>\n");
    chart(
        html,
        ReportCharts.segmentShares(figures.segments()),
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
        figures.segments().stream()
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

    html.append("<h2>Tier migration</h2>\n");
    migration(html, figures, tierName);

    html.append("<h2>Recommended actions per tier</h2>\n");
    actions(html, figures.actions(), figures.tiers(), tierName);

    html.append("<h2>Data quality</h2>\n");
    quality(html, run);
    html.append("</main>\n</body>\n</html>\n");
    return html.toString();
  }

  private static void migration(
      StringBuilder html, ReportFigures figures, Function<String, String> tierName) {
    if (figures.previousSnapshot().isEmpty()) {
      html.append(
          "<p class=\"note\">This is the first snapshot under this output root: every customer is"
              + " new, so there is no migration to show yet.</p>\n");
      return;
    }
    chart(
        html,
        ReportCharts.migration(figures.migration(), figures.tiers()),
        "Customers of each tier now, by the tier they had on "
            + figures.previousSnapshot().get()
            + " (new: not a customer then).");
    Set<String> from = new LinkedHashSet<>();
    Set<String> to = new LinkedHashSet<>();
    figures
        .tiers()
        .forEach(
            tier -> {
              from.add(tier.tier());
              to.add(tier.tier());
            });
    from.add(TierMigration.NEW);
    to.add(TierMigration.DEPARTED);
    figures
        .migration()
        .forEach(
            move -> {
              from.add(move.fromTier());
              to.add(move.toTier());
            });
    List<String> header = new ArrayList<>();
    header.add("from \\ to");
    to.forEach(tier -> header.add(escape(tierName.apply(tier))));
    header.add("total");
    List<List<String>> rows = new ArrayList<>();
    for (String origin : from) {
      List<String> row = new ArrayList<>();
      row.add(escape(tierName.apply(origin)));
      long total = 0;
      for (String target : to) {
        long customers = ReportFigures.customersMoved(figures.migration(), origin, target);
        total += customers;
        row.add(customers == 0 ? "" : whole(customers));
      }
      row.add(whole(total));
      rows.add(row);
    }
    html.append("<p class=\"note\">Rows: the tier on ")
        .append(figures.previousSnapshot().get())
        .append("; columns: the tier now.</p>\n");
    table(html, header, rows);
  }

  private static void actions(
      StringBuilder html,
      List<ActionCount> actions,
      List<Tier> tiers,
      Function<String, String> tierName) {
    List<List<String>> rows = new ArrayList<>();
    for (Tier tier : tiers) {
      List<ActionCount> ofTier =
          actions.stream().filter(action -> action.tier().equals(tier.tier())).toList();
      long customers = ofTier.stream().mapToLong(ActionCount::customers).sum();
      for (ActionCount action : ofTier) {
        rows.add(
            List.of(
                escape(tierName.apply(tier.tier())),
                "<td class=\"text\">" + escape(action.action()),
                whole(action.customers()),
                percent(customers == 0 ? Double.NaN : (double) action.customers() / customers)));
      }
    }
    table(html, List.of("tier", "recommended action", "customers", "of the tier"), rows);
  }

  private static void quality(StringBuilder html, RunFacts run) {
    var counts = run.counts();
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("rows read", whole(counts.rowsRead())));
    rows.add(List.of("accepted", whole(counts.rowsAccepted())));
    rows.add(
        List.of("&nbsp;&nbsp;of which older than the window", whole(counts.rowsBeforeWindow())));
    rows.add(List.of("quarantined", whole(counts.rowsQuarantined())));
    counts
        .quarantinedByReason()
        .forEach(
            (reason, rowsOfReason) ->
                rows.add(List.of("&nbsp;&nbsp;" + escape(reason), whole(rowsOfReason))));
    rows.add(List.of("on or after the as-of date (ignored)", whole(counts.rowsAfterAsOf())));
    table(html, List.of("input rows", "rows"), rows);
    html.append(
        String.format(
            Locale.ROOT,
            "<p class=\"note\">Rows read = accepted + quarantined + on or after the as-of date. %s"
                + " of the rows before the as-of date were quarantined; each is in the quarantine"
                + " table with its reason and raw record. Tier model: k = %d, silhouette"
                + " %.3f.</p>\n",
            percent(counts.quarantinedShare()),
            run.tierOutcome().k(),
            run.tierOutcome().silhouette()));
  }

  private static void figure(StringBuilder html, String value, String label) {
    html.append("<div class=\"figure\"><b>")
        .append(value)
        .append("</b><span>")
        .append(escape(label))
        .append("</span></div>\n");
  }

  private static void chart(StringBuilder html, String svg, String caption) {
    html.append("<figure>\n")
        .append(svg)
        .append("\n<figcaption>")
        .append(escape(caption))
        .append("</figcaption>\n</figure>\n");
  }

  /**
   * A table of already escaped cells; a cell that starts with {@code <td} brings its own opening
   * tag (to be aligned as text).
   */
  private static void table(StringBuilder html, List<String> header, List<List<String>> rows) {
    html.append("<table>\n<tr>");
    header.forEach(cell -> html.append("<th>").append(cell).append("</th>"));
    html.append("</tr>\n");
    for (List<String> row : rows) {
      html.append("<tr>");
      row.forEach(
          cell -> html.append(cell.startsWith("<td") ? cell : "<td>" + cell).append("</td>"));
      html.append("</tr>\n");
    }
    html.append("</table>\n");
  }

  static String escape(String text) {
    if (text == null) {
      return "";
    }
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  private static String whole(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }

  private static String money(double value) {
    return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%,.2f", value);
  }

  private static String decimal(double value, int digits) {
    return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%,." + digits + "f", value);
  }

  private static String percent(double share) {
    return Double.isNaN(share) ? "–" : String.format(Locale.ROOT, "%.1f %%", 100 * share);
  }
}
