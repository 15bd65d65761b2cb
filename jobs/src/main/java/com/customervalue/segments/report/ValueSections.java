package com.customervalue.segments.report;

import static com.customervalue.segments.report.Html.chart;
import static com.customervalue.segments.report.Html.decimal;
import static com.customervalue.segments.report.Html.escape;
import static com.customervalue.segments.report.Html.money;
import static com.customervalue.segments.report.Html.percent;
import static com.customervalue.segments.report.Html.table;
import static com.customervalue.segments.report.Html.whole;
import static com.customervalue.segments.report.ReportCharts.CUSTOMERS_COLOUR;
import static com.customervalue.segments.report.ReportCharts.REVENUE_COLOUR;

import com.customervalue.segments.report.ValueFigures.BacktestBin;
import com.customervalue.segments.report.ValueFigures.ModelParameter;
import com.customervalue.segments.report.ValueFigures.PAliveBin;
import com.customervalue.segments.report.ValueFigures.ValueGroup;
import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The report's "Predicted value" section: P(alive), expected purchases and CLV by tier and by
 * lifecycle status, the distribution of P(alive), the fitted models and, with a holdout, the
 * backtest of actual against predicted purchases.
 */
final class ValueSections {
  /** The second and third predicting models' lines in the backtest chart. */
  private static final List<Color> MODEL_COLOURS =
      List.of(CUSTOMERS_COLOUR, new Color(0x55, 0xA8, 0x68), new Color(0xC4, 0x4E, 0x52));

  private ValueSections() {}

  static void predictedValue(StringBuilder html, ValueFigures value) {
    html.append("<h2>Predicted value</h2>\n");
    html.append("<p class=\"note\">")
        .append(
            escape(
                String.format(
                    Locale.ROOT,
                    "P(alive) and the expected purchases are those of %s (the first of"
                        + " segments.clv.models), fitted on every customer's purchase days%s%s;"
                        + " the expected order value is Gamma-Gamma's. The horizon is %d days:"
                        + " clv = expected purchases in it × expected order value × margin %s%s."
                        + " Customers without a purchase (prospects) have no prediction.",
                    value.model(),
                    value.observationEnd().map(end -> " up to " + end).orElse(""),
                    value.timeUnit().map(unit -> ", in " + unit + "s").orElse(""),
                    value.horizonDays(),
                    decimal(value.margin(), 2),
                    value.annualDiscountRate() > 0
                        ? ", discounted at " + percent(value.annualDiscountRate()) + " a year"
                        : ", not discounted")))
        .append("</p>\n");
    html.append("<h3>By tier</h3>\n");
    groups(html, "tier", value.byTier());
    html.append("<h3>By lifecycle status</h3>\n");
    groups(html, "lifecycle status", value.byStatus());
    pAlive(html, value.pAlive());
    models(html, value.parameters());
    backtest(html, value.backtest());
  }

  private static void groups(StringBuilder html, String label, List<ValueGroup> groups) {
    table(
        html,
        List.of(
            label,
            "customers",
            "with a prediction",
            "mean P(alive)",
            "expected purchases",
            "total CLV",
            "mean CLV"),
        groups.stream()
            .map(
                group ->
                    List.of(
                        escape(group.group()),
                        whole(group.customers()),
                        whole(group.predicted()),
                        decimal(group.meanPAlive(), 3),
                        group.predicted() == 0 ? "–" : decimal(group.expectedPurchases(), 1),
                        group.withClv() == 0 ? "–" : money(group.totalClv()),
                        money(group.meanClv())))
            .toList());
  }

  private static void pAlive(StringBuilder html, List<PAliveBin> bins) {
    html.append("<h3>Distribution of P(alive)</h3>\n");
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    long total = bins.stream().mapToLong(PAliveBin::customers).sum();
    bins.forEach(bin -> data.addValue(bin.customers(), "Customers", binLabel(bin)));
    JFreeChart chart =
        ChartFactory.createBarChart(
            null, "P(alive)", "customers", data, PlotOrientation.VERTICAL, false, false, false);
    ReportCharts.themed(chart);
    BarRenderer renderer = (BarRenderer) chart.getCategoryPlot().getRenderer();
    renderer.setBarPainter(new StandardBarPainter());
    renderer.setShadowVisible(false);
    renderer.setSeriesPaint(0, CUSTOMERS_COLOUR);
    chart(
        html,
        ReportCharts.svg(chart, ReportCharts.WIDTH, 320),
        "Customers with a prediction per tenth of P(alive), the probability that they are still"
            + " buying.");
    table(
        html,
        List.of("P(alive)", "customers", "share", "total CLV"),
        bins.stream()
            .map(
                bin ->
                    List.of(
                        binLabel(bin),
                        whole(bin.customers()),
                        percent(total == 0 ? Double.NaN : (double) bin.customers() / total),
                        money(bin.clv())))
            .toList());
  }

  private static String binLabel(PAliveBin bin) {
    return String.format(Locale.ROOT, "%.1f–%.1f", bin.lower(), bin.upper());
  }

  private static void models(StringBuilder html, List<ModelParameter> parameters) {
    html.append("<h3>Fitted models</h3>\n");
    List<List<String>> rows = new ArrayList<>();
    for (ModelParameter p : parameters) {
      rows.add(
          List.of(
              escape(p.fit()),
              "<td class=\"text\">" + escape(p.model()),
              "<td class=\"text\">" + escape(p.parameter()),
              significant(p.value()),
              Double.isNaN(p.standardError()) ? "–" : significant(p.standardError()),
              decimal(p.logLikelihood(), 4),
              whole(p.customers()),
              whole(p.distinctInputs()),
              Integer.toString(p.iterations()),
              p.converged() ? "yes" : "no"));
    }
    table(
        html,
        List.of(
            "fit",
            "model",
            "parameter",
            "estimate",
            "standard error",
            "log-likelihood",
            "customers",
            "distinct inputs",
            "iterations",
            "converged"),
        rows);
    html.append(
        "<p class=\"note\">Maximum-likelihood estimates (clv_model). The full fits use the whole"
            + " history before the as-of date and drive the predictions; calibration fits stop"
            + " before the holdout and are checked against it below. A fit that did not converge"
            + " has no interior maximum: its predictions are not to be trusted.</p>\n");
  }

  /** Four significant digits, the precision the literature publishes the estimates with. */
  static String significant(double value) {
    return Double.isFinite(value) ? String.format(Locale.ROOT, "%.4g", value) : "–";
  }

  private static void backtest(StringBuilder html, List<BacktestBin> backtest) {
    html.append("<h3>Holdout backtest</h3>\n");
    if (backtest.isEmpty()) {
      html.append(
          "<p class=\"note\">No holdout in this run: with --holdout-days N"
              + " (segments.clv.holdout-days) the models are also fitted on the history before the"
              + " last N days and their predictions compared with the purchases in them.</p>\n");
      return;
    }
    BacktestBin first = backtest.get(0);
    Set<String> models = new LinkedHashSet<>();
    backtest.forEach(bin -> models.add(bin.model()));
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    String firstModel = models.iterator().next();
    for (BacktestBin bin : backtest) {
      if (bin.binOrder() <= 7) {
        if (bin.model().equals(firstModel)) {
          data.addValue(bin.actualMean(), "actual", bin.repeatPurchases());
        }
        data.addValue(bin.predictedMean(), "predicted, " + bin.model(), bin.repeatPurchases());
      }
    }
    JFreeChart chart =
        ChartFactory.createLineChart(
            null,
            "repeat purchases before the holdout",
            "mean purchase days in the holdout",
            data,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    ReportCharts.themed(chart);
    CategoryPlot plot = chart.getCategoryPlot();
    LineAndShapeRenderer renderer = (LineAndShapeRenderer) plot.getRenderer();
    renderer.setDefaultShapesVisible(true);
    renderer.setSeriesPaint(0, REVENUE_COLOUR);
    renderer.setSeriesStroke(0, new BasicStroke(3f));
    for (int i = 1; i <= models.size(); i++) {
      renderer.setSeriesPaint(i, MODEL_COLOURS.get((i - 1) % MODEL_COLOURS.size()));
      renderer.setSeriesStroke(
          i,
          new BasicStroke(
              2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
    }
    chart(
        html,
        ReportCharts.svg(chart, ReportCharts.WIDTH, ReportCharts.HEIGHT),
        String.format(
            Locale.ROOT,
            "Mean purchase days per customer in the holdout of %d days from %s, actual and as"
                + " predicted by the calibration fits, per repeat purchases before it.",
            first.holdoutDays(),
            first.holdoutStart()));
    table(
        html,
        List.of(
            "model",
            "repeat purchases",
            "customers",
            "actual mean",
            "predicted mean",
            "correlation"),
        backtest.stream()
            .map(
                bin ->
                    List.of(
                        escape(bin.model()),
                        "<td class=\"text\">" + escape(bin.repeatPurchases()),
                        whole(bin.customers()),
                        decimal(bin.actualMean(), 3),
                        decimal(bin.predictedMean(), 3),
                        decimal(bin.correlation(), 3)))
            .toList());
  }
}
