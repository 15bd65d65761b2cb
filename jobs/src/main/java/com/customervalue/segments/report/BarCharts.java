package com.customervalue.segments.report;

import static com.customervalue.segments.report.ReportCharts.CUSTOMERS_COLOUR;
import static com.customervalue.segments.report.ReportCharts.HEIGHT;
import static com.customervalue.segments.report.ReportCharts.REVENUE_COLOUR;
import static com.customervalue.segments.report.ReportCharts.WIDTH;

import com.customervalue.segments.distribute.TierMigration;
import com.customervalue.segments.report.ReportFigures.Migration;
import com.customervalue.segments.report.ReportFigures.Segment;
import com.customervalue.segments.report.ReportFigures.Tier;
import java.awt.Color;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/** Draws the report's bar charts: customers and revenue per tier or segment, and tier migration. */
final class BarCharts {
  /**
   * The previous tiers in the migration chart, best first: gold, silver, copper, iron, then spares.
   */
  private static final List<Color> TIER_COLOURS =
      List.of(
          REVENUE_COLOUR,
          new Color(0x9A, 0xA5, 0xB1),
          new Color(0xB8, 0x73, 0x33),
          new Color(0x5D, 0x5D, 0x5D),
          CUSTOMERS_COLOUR,
          new Color(0x81, 0x72, 0xB3),
          new Color(0xC4, 0x4E, 0x52));

  /** Customers who are new since the previous snapshot, in the migration chart. */
  private static final Color NEW_CUSTOMERS_COLOUR = new Color(0x55, 0xA8, 0x68);

  private BarCharts() {}

  /** Share of customers beside share of revenue, per tier. */
  static String tierShares(List<Tier> tiers) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (Tier tier : tiers) {
      data.addValue(100 * tier.customerShare(), "Customers %", tier.name());
      data.addValue(100 * tier.revenueShare(), "Revenue %", tier.name());
    }
    JFreeChart chart = ChartFactory.createBarChart(null, null, "% of all", data);
    styleBars(chart, PlotOrientation.VERTICAL);
    return ReportCharts.svg(chart, WIDTH, HEIGHT);
  }

  /** Share of buyers beside share of revenue, per RFM segment. */
  static String segmentShares(List<Segment> segments) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (Segment segment : segments) {
      data.addValue(100 * segment.customerShare(), "Buyers %", segment.segment());
      data.addValue(100 * segment.revenueShare(), "Revenue %", segment.segment());
    }
    JFreeChart chart =
        ChartFactory.createBarChart(
            null,
            null,
            "% of all buyers / revenue",
            data,
            PlotOrientation.HORIZONTAL,
            true,
            false,
            false);
    styleBars(chart, PlotOrientation.HORIZONTAL);
    return ReportCharts.svg(chart, WIDTH, Math.max(HEIGHT, 60 + 42 * segments.size()));
  }

  /**
   * Where this snapshot's customers of each tier came from: one bar per current tier, stacked by
   * the tier they had at the previous snapshot ({@code new}: not in it). Departed customers have no
   * current tier and are left to the table.
   */
  static String migration(List<Migration> moves, List<Tier> tiers) {
    Map<String, String> names = tiers.stream().collect(Collectors.toMap(Tier::tier, Tier::name));
    Function<String, String> name = tier -> names.getOrDefault(tier, tier);
    Set<String> origins = new LinkedHashSet<>();
    tiers.forEach(tier -> origins.add(tier.tier()));
    origins.add(TierMigration.NEW);
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (String origin : origins) {
      for (Tier to : tiers) {
        data.addValue(
            ReportFigures.customersMoved(moves, origin, to.tier()),
            "from " + name.apply(origin),
            to.name());
      }
    }
    JFreeChart chart =
        ChartFactory.createStackedBarChart(
            null, null, "customers", data, PlotOrientation.VERTICAL, true, false, false);
    styleBars(chart, PlotOrientation.VERTICAL);
    BarRenderer renderer = (BarRenderer) chart.getCategoryPlot().getRenderer();
    int index = 0;
    for (String origin : origins) {
      renderer.setSeriesPaint(
          index,
          origin.equals(TierMigration.NEW)
              ? NEW_CUSTOMERS_COLOUR
              : TIER_COLOURS.get(index % TIER_COLOURS.size()));
      index++;
    }
    return ReportCharts.svg(chart, WIDTH, HEIGHT);
  }

  private static void styleBars(JFreeChart chart, PlotOrientation orientation) {
    ReportCharts.themed(chart);
    CategoryPlot plot = chart.getCategoryPlot();
    plot.setOrientation(orientation);
    BarRenderer renderer = (BarRenderer) plot.getRenderer();
    renderer.setBarPainter(new StandardBarPainter());
    renderer.setShadowVisible(false);
    renderer.setItemMargin(0.05);
    renderer.setSeriesPaint(0, CUSTOMERS_COLOUR);
    renderer.setSeriesPaint(1, REVENUE_COLOUR);
  }
}
