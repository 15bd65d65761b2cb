package com.customervalue.segments.report;

import static com.customervalue.segments.report.Html.chart;
import static com.customervalue.segments.report.Html.decimal;
import static com.customervalue.segments.report.Html.escape;
import static com.customervalue.segments.report.Html.money;
import static com.customervalue.segments.report.Html.percent;
import static com.customervalue.segments.report.Html.table;
import static com.customervalue.segments.report.Html.whole;

import com.customervalue.segments.distribute.TierMigration;
import com.customervalue.segments.report.ReportFigures.BreakdownCell;
import com.customervalue.segments.report.ReportFigures.Migration;
import com.customervalue.segments.report.ReportFigures.Tier;
import com.customervalue.segments.tier.RankWeights;
import com.customervalue.segments.tier.TierOutcome;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The report's sections on the value tiers: their sizes and profiles, how customers moved between
 * them since the previous snapshot, and their mix within the values of the breakdown attributes.
 */
final class TierSections {
  private TierSections() {}

  static void tiers(StringBuilder html, List<Tier> tiers) {
    html.append("<h2>Value tiers</h2>\n");
    chart(
        html,
        BarCharts.tierShares(tiers),
        "Share of customers and of net revenue per tier (k-means on log recency, frequency and"
            + " monetary; iron includes customers without a purchase). Repeat buyers: the share of"
            + " the tier's buyers with two purchases or more in the window.");
    table(
        html,
        List.of(
            "tier", "customers", "share", "buyers", "repeat buyers", "revenue", "revenue share"),
        tiers.stream()
            .map(
                tier ->
                    List.of(
                        escape(tier.name()),
                        whole(tier.customers()),
                        percent(tier.customerShare()),
                        whole(tier.buyers()),
                        percent(tier.repeatRate()),
                        money(tier.revenue()),
                        percent(tier.revenueShare())))
            .toList());
  }

  static void profiles(StringBuilder html, List<Tier> tiers, TierOutcome outcome) {
    RankWeights weights = outcome.rankWeights();
    html.append("<h2>Tier profiles</h2>\n")
        .append(
            "<p class=\"note\">The k-means centroid of each tier in original units, beside the"
                + " medians of its buyers. Tiers are ranked by the value score of their centroid: ")
        .append(decimal(weights.monetary(), 2))
        .append(" × monetary + ")
        .append(decimal(weights.frequency(), 2))
        .append(" × frequency − ")
        .append(decimal(weights.recency(), 2))
        .append(
            " × recency, each as k-means sees it (log, standardized; segments.tiers.rank-weights)."
                + " ")
        .append(escape(modelProvenance(outcome)))
        .append("</p>\n");
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
        tiers.stream()
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
  }

  /** Which snapshot's model assigned the tiers, and whether this run trained it. */
  static String modelProvenance(TierOutcome outcome) {
    String trainedAsOf = outcome.modelSnapshot().map(String::valueOf).orElse("an unknown date");
    return outcome.trained()
        ? "This run trained the tier model."
        : "The tiers were assigned with the model trained as of "
            + trainedAsOf
            + ", reused so that tiers stay comparable between snapshots.";
  }

  static void migration(StringBuilder html, ReportFigures figures) {
    html.append("<h2>Tier migration</h2>\n");
    if (figures.previousSnapshot().isEmpty()) {
      html.append(
          "<p class=\"note\">This is the first snapshot under this output root: every customer is"
              + " new, so there is no migration to show yet.</p>\n");
      return;
    }
    LocalDate previous = figures.previousSnapshot().get();
    boolean drifted = !figures.modelDrift().isEmpty();
    chart(
        html,
        BarCharts.migration(figures.migration(), figures.tiers()),
        "Customers of each tier "
            + (drifted ? "now under the previous snapshot's model" : "now")
            + ", by the tier they had on "
            + previous
            + " (new: not a customer then).");
    html.append("<p class=\"note\">Rows: the tier on ")
        .append(previous)
        .append("; columns: the tier now")
        .append(
            drifted
                ? ", assigned by the same model as then, so that the matrix is customers' own"
                    + " movement."
                : ", assigned by the same model, so that the matrix is customers' own movement.")
        .append("</p>\n");
    matrix(html, figures.migration(), figures.tiers(), true);
    if (drifted) {
      long customers = figures.modelDrift().stream().mapToLong(Migration::customers).sum();
      long changed =
          figures.modelDrift().stream()
              .filter(move -> !move.fromTier().equals(move.toTier()))
              .mapToLong(Migration::customers)
              .sum();
      html.append("<h3>Model drift</h3>\n<p class=\"drift\">This run trained a new tier model: ")
          .append(whole(changed))
          .append(" of ")
          .append(whole(customers))
          .append(" customers (")
          .append(percent(customers == 0 ? Double.NaN : (double) changed / customers))
          .append(
              ") are in another tier than the previous model gives them today, because of the"
                  + " model alone. Rows: the tier under the previous model; columns: the tier"
                  + " published now.</p>\n");
      matrix(html, figures.modelDrift(), figures.tiers(), false);
    }
  }

  /** A from × to matrix of customers; the migration has new and departed customers too. */
  private static void matrix(
      StringBuilder html, List<Migration> moves, List<Tier> tiers, boolean withNewAndDeparted) {
    Set<String> from = new LinkedHashSet<>();
    Set<String> to = new LinkedHashSet<>();
    tiers.forEach(
        tier -> {
          from.add(tier.tier());
          to.add(tier.tier());
        });
    if (withNewAndDeparted) {
      from.add(TierMigration.NEW);
      to.add(TierMigration.DEPARTED);
    }
    moves.forEach(
        move -> {
          from.add(move.fromTier());
          to.add(move.toTier());
        });
    Function<String, String> tierName = tierNames(tiers);
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
        long customers = ReportFigures.customersMoved(moves, origin, target);
        total += customers;
        row.add(customers == 0 ? "" : whole(customers));
      }
      row.add(whole(total));
      rows.add(row);
    }
    table(html, header, rows);
  }

  /** The configured display name of a tier; the tier itself for new and departed customers. */
  private static Function<String, String> tierNames(List<Tier> tiers) {
    Map<String, String> names = new LinkedHashMap<>();
    tiers.forEach(tier -> names.put(tier.tier(), tier.name()));
    return tier -> names.getOrDefault(tier, tier);
  }

  /**
   * One table per breakdown attribute: its largest values (by customers) with their customers per
   * tier and the share of the value's revenue each tier brings, the other values summed in one row.
   */
  static void breakdowns(StringBuilder html, List<BreakdownCell> cells, List<Tier> tiers) {
    html.append("<h2>Breakdowns</h2>\n");
    if (cells.isEmpty()) {
      html.append(
          "<p class=\"note\">No breakdown is configured (segments.breakdowns.columns).</p>\n");
      return;
    }
    html.append(
        "<p class=\"note\">Customers by attribute value (prospects included) and value tier, with"
            + " the share of the value's net revenue each tier brings; the "
            + ReportFigures.BREAKDOWN_VALUES_SHOWN
            + " values with the most customers, the rest as \"other\".</p>\n");
    Map<String, Map<Integer, List<BreakdownCell>>> byAttribute = new LinkedHashMap<>();
    for (BreakdownCell cell : cells) {
      byAttribute
          .computeIfAbsent(cell.attribute(), attribute -> new TreeMap<>())
          .computeIfAbsent(cell.rank(), rank -> new ArrayList<>())
          .add(cell);
    }
    byAttribute.forEach(
        (attribute, values) -> {
          html.append("<h3>By ").append(escape(attribute)).append("</h3>\n");
          List<String> header = new ArrayList<>();
          header.add(escape(attribute));
          header.add("customers");
          tiers.forEach(tier -> header.add(escape(tier.name())));
          List<List<String>> rows = new ArrayList<>();
          values.forEach(
              (rank, group) -> {
                long customers = group.stream().mapToLong(BreakdownCell::customers).sum();
                double revenue = group.stream().mapToDouble(BreakdownCell::revenue).sum();
                List<String> row = new ArrayList<>();
                row.add(breakdownLabel(group.get(0)));
                row.add(whole(customers));
                for (Tier tier : tiers) {
                  List<BreakdownCell> inTier =
                      group.stream().filter(cell -> cell.tier().equals(tier.tier())).toList();
                  double tierRevenue = inTier.stream().mapToDouble(BreakdownCell::revenue).sum();
                  row.add(
                      whole(inTier.stream().mapToLong(BreakdownCell::customers).sum())
                          + " · "
                          + percent(revenue == 0 ? Double.NaN : tierRevenue / revenue));
                }
                rows.add(row);
              });
          html.append("<div class=\"breakdown\" id=\"breakdown-")
              .append(escape(attribute))
              .append("\">\n");
          table(html, header, rows);
          html.append("</div>\n");
        });
  }

  /** A value as shown: itself, "(no value)", or "other (n values)". */
  static String breakdownLabel(BreakdownCell cell) {
    return cell.value()
        .map(value -> value.isEmpty() ? "(no value)" : escape(value))
        .orElse("other (" + whole(cell.otherValues()) + " values)");
  }
}
