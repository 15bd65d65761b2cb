package com.customervalue.segments.report;

import static com.customervalue.segments.report.Html.escape;
import static com.customervalue.segments.report.Html.money;
import static com.customervalue.segments.report.Html.percent;
import static com.customervalue.segments.report.Html.table;
import static com.customervalue.segments.report.Html.whole;

import com.customervalue.segments.report.ReportFigures.RunFacts;
import com.customervalue.segments.report.ReportFigures.Tier;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
      #playbook-grid th { text-align: left; }
      td.cell { white-space: normal; text-align: left; vertical-align: top; width: 150px; font-size: 12px; }
      .maps { display: flex; flex-wrap: wrap; gap: 12px 20px; }
      table.map { margin: 0; }
      table.map caption { font-size: 13px; font-weight: bold; text-align: left; padding-bottom: 2px; }
      table.map th { background: none; border: 0; padding: 2px 4px; text-align: center; }
      table.map td { width: 40px; height: 24px; padding: 2px 4px; text-align: center;
                     border: 1px solid #fff; font-size: 12px; }
      table.cohort td { padding: 3px 6px; font-size: 12px; border: 1px solid #fff; }
      .legend { display: flex; flex-wrap: wrap; gap: 6px 16px; font-size: 13px; margin: 8px 0 12px; }
      .legend i { display: inline-block; width: 14px; height: 14px; margin-right: 5px;
                  vertical-align: -2px; border-radius: 2px; }
      """;

  private HtmlReport() {}

  /** The page for {@code figures}, with the tiers' display names from the configuration. */
  public static String render(ReportFigures figures) {
    RunFacts run = figures.run();
    StringBuilder html = new StringBuilder(200_000);
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>Customer value report ")
        .append(run.snapshotDate())
        .append("</title>\n")
        .append("<style>\n")
        .append(STYLE)
        .append("</style>\n</head>\n<body>\n<main>\n");
    headline(html, figures);
    TierSections.tiers(html, figures.tiers());
    TierSections.profiles(html, figures.tiers(), run.tierOutcome());
    BuyerSections.heatMap(html, figures.heatMap());
    BuyerSections.monetary(html, figures);
    BuyerSections.segments(html, figures.segments());
    BuyerSections.segmentMap(html, figures.segmentMap());
    BuyerSections.cohorts(html, figures.cohorts(), run.snapshotDate());
    TierSections.migration(html, figures);
    ValueSections.predictedValue(html, figures.value());
    ClassificationSections.playbook(html, figures.playbook(), figures.tiers());
    TierSections.breakdowns(html, figures.breakdowns(), figures.tiers());
    ClassificationSections.amountLevels(html, figures.amountBands(), figures.amountLevels());
    quality(html, run);
    html.append("</main>\n</body>\n</html>\n");
    return html.toString();
  }

  /** The title, what the run read, and the handful of figures a reader wants first. */
  private static void headline(StringBuilder html, ReportFigures figures) {
    RunFacts run = figures.run();
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
    html.append("<div class=\"figures\">\n");
    figure(html, whole(run.customers()), "customers");
    figure(html, whole(run.buyers()), "buyers (a purchase in the window)");
    figure(html, money(revenue), "net revenue");
    figure(html, String.format(Locale.ROOT, "%.3f", figures.gini()), "Gini of monetary");
    figure(html, percent(figures.topShare(20)), "of revenue from the top 20 % of buyers");
    html.append("</div>\n");
  }

  private static void quality(StringBuilder html, RunFacts run) {
    html.append("<h2>Data quality</h2>\n");
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
}
