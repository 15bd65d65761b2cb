package com.customervalue.segments.report;

import static com.customervalue.segments.report.Html.escape;
import static com.customervalue.segments.report.Html.money;
import static com.customervalue.segments.report.Html.percent;
import static com.customervalue.segments.report.Html.table;
import static com.customervalue.segments.report.Html.whole;

import com.customervalue.segments.classify.AmountLevels;
import com.customervalue.segments.classify.Lifecycle;
import com.customervalue.segments.report.ReportFigures.AmountLevelCount;
import com.customervalue.segments.report.ReportFigures.PlaybookCell;
import com.customervalue.segments.report.ReportFigures.Tier;
import java.awt.Color;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report's sections on the CRM classifications: the playbook as a grid of tiers by lifecycle
 * status with the customers and the recommended action of each cell, and the amount levels with
 * their bands in the configured currency.
 */
final class ClassificationSections {
  private ClassificationSections() {}

  static void playbook(StringBuilder html, List<PlaybookCell> cells, List<Tier> tiers) {
    html.append("<h2>Playbook by tier and lifecycle status</h2>\n")
        .append(
            "<p class=\"note\">Customers of each tier (rows) and lifecycle status (columns), and"
                + " the action the playbook recommends them. The colour is the number of customers;"
                + " an empty cell has nobody.</p>\n");
    long most = cells.stream().mapToLong(PlaybookCell::customers).max().orElse(1);
    // A linear scale from 0: the cells that hold the customers stand out.
    HeatScale scale = new HeatScale(0, Math.max(1, most));
    List<String> header = new ArrayList<>();
    header.add("tier \\ status");
    Lifecycle.STATUSES.forEach(status -> header.add(escape(status)));
    header.add("customers");
    List<List<String>> rows = new ArrayList<>();
    for (Tier tier : tiers) {
      List<String> row = new ArrayList<>();
      row.add(escape(tier.name()));
      long total = 0;
      for (String status : Lifecycle.STATUSES) {
        List<PlaybookCell> cell =
            cells.stream()
                .filter(c -> c.tier().equals(tier.tier()) && c.status().equals(status))
                .toList();
        long customers = cell.stream().mapToLong(PlaybookCell::customers).sum();
        total += customers;
        row.add(cell(cell, customers, scale));
      }
      row.add(whole(total));
      rows.add(row);
    }
    html.append("<div id=\"playbook-grid\">\n");
    table(html, header, rows);
    html.append("</div>\n");
  }

  /** A grid cell: its customers in bold, then its action (each with its customers if several). */
  private static String cell(List<PlaybookCell> cell, long customers, HeatScale scale) {
    if (customers == 0) {
      return "<td class=\"cell\">";
    }
    Color background = (Color) scale.getPaint(customers);
    StringBuilder td =
        new StringBuilder("<td class=\"cell\" style=\"background:")
            .append(String.format(Locale.ROOT, "#%06x", background.getRGB() & 0xFFFFFF))
            .append(scale.isDark(customers) ? ";color:#fff" : "")
            .append("\"><b>")
            .append(whole(customers))
            .append("</b>");
    for (PlaybookCell action : cell) {
      td.append("<br>").append(escape(action.action()));
      if (cell.size() > 1) {
        td.append(" (").append(whole(action.customers())).append(")");
      }
    }
    return td.toString();
  }

  static void amountLevels(StringBuilder html, AmountLevels bands, List<AmountLevelCount> levels) {
    String currency = escape(bands.currency());
    html.append("<h2>Amount levels</h2>\n")
        .append("<p class=\"note\">Net amount (returns included) of each customer's orders ")
        .append(
            bands.windowDays() == 0
                ? "over the whole history"
                : "in the " + whole(bands.windowDays()) + " days before the as-of date")
        .append(", in ")
        .append(currency)
        .append(". Level 0 is below the first band, including customers with no order in that")
        .append(" time.")
        .append(
            bands
                .cap()
                .map(
                    cap ->
                        " Customers above "
                            + amount(cap)
                            + " "
                            + currency
                            + " stay at level "
                            + bands.top()
                            + " and are flagged (amount_above_cap).")
                .orElse(""))
        .append("</p>\n");
    long customers = levels.stream().mapToLong(AmountLevelCount::customers).sum();
    List<List<String>> rows = new ArrayList<>();
    for (AmountLevelCount level : levels) {
      rows.add(
          List.of(
              Integer.toString(level.level()),
              band(bands, level.level()),
              whole(level.customers()),
              percent(customers == 0 ? Double.NaN : (double) level.customers() / customers),
              money(level.revenue())));
    }
    long aboveCap = levels.stream().mapToLong(AmountLevelCount::aboveCap).sum();
    if (bands.cap().isPresent()) {
      rows.add(
          List.of(
              "",
              "of which above " + amount(bands.cap().get()) + " (flagged)",
              whole(aboveCap),
              percent(customers == 0 ? Double.NaN : (double) aboveCap / customers),
              ""));
    }
    table(
        html,
        List.of(
            "level", "band (" + currency + ")", "customers", "share", "revenue (" + currency + ")"),
        rows);
  }

  /** The band of a level as text: "below 250", "250 – 1,000", "50,000 and more". */
  private static String band(AmountLevels bands, int level) {
    String lower = bands.lowerBound(level).map(ClassificationSections::amount).orElse(null);
    String upper = bands.upperBound(level).map(ClassificationSections::amount).orElse(null);
    if (lower == null) {
      return "below " + upper;
    }
    return upper == null ? lower + " and more" : lower + " – " + upper;
  }

  /** An amount with thousands separators and only the decimals it has. */
  private static String amount(BigDecimal value) {
    BigDecimal plain = value.stripTrailingZeros();
    return String.format(Locale.ROOT, "%,." + Math.max(0, plain.scale()) + "f", plain);
  }
}
