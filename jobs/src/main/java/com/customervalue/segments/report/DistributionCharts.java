package com.customervalue.segments.report;

import static com.customervalue.segments.report.ReportCharts.CUSTOMERS_COLOUR;
import static com.customervalue.segments.report.ReportCharts.HEIGHT;
import static com.customervalue.segments.report.ReportCharts.REVENUE_COLOUR;
import static com.customervalue.segments.report.ReportCharts.WIDTH;

import com.customervalue.segments.report.ReportFigures.HeatCell;
import com.customervalue.segments.report.ReportFigures.HistogramBin;
import com.customervalue.segments.report.ReportFigures.LorenzPoint;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Draws the report's charts of how buyers and their money are spread: the R × F heat map, the
 * monetary histogram and the Lorenz curve.
 */
final class DistributionCharts {
  private DistributionCharts() {}

  /**
   * Buyers by recency score (rows) and frequency score (columns): colour = average monetary, text =
   * buyers.
   */
  static String rfmHeatMap(List<HeatCell> cells) {
    double[][] series = new double[3][cells.size()];
    double low = Double.MAX_VALUE;
    double high = -Double.MAX_VALUE;
    for (int i = 0; i < cells.size(); i++) {
      HeatCell cell = cells.get(i);
      series[0][i] = cell.f();
      series[1][i] = cell.r();
      series[2][i] = cell.avgMonetary();
      low = Math.min(low, cell.avgMonetary());
      high = Math.max(high, cell.avgMonetary());
    }
    DefaultXYZDataset data = new DefaultXYZDataset();
    data.addSeries("average monetary", series);
    int scoreMax = cells.stream().mapToInt(cell -> Math.max(cell.r(), cell.f())).max().orElse(5);
    NumberAxis frequency = scoreAxis("F score (5 = most purchases)", scoreMax);
    NumberAxis recency = scoreAxis("R score (5 = most recent)", scoreMax);
    XYBlockRenderer renderer = new XYBlockRenderer();
    HeatScale scale = new HeatScale(low, high);
    renderer.setPaintScale(scale);
    XYPlot plot = new XYPlot(data, frequency, recency, renderer);
    JFreeChart chart =
        ReportCharts.themed(new JFreeChart(null, ReportCharts.font(Font.BOLD, 16), plot, false));
    plot.setDomainGridlinesVisible(false);
    plot.setRangeGridlinesVisible(false);
    Font label = ReportCharts.font(Font.BOLD, 13);
    for (HeatCell cell : cells) {
      XYTextAnnotation text =
          new XYTextAnnotation(
              String.format(Locale.ROOT, "%,d", cell.customers()), cell.f(), cell.r());
      text.setFont(label);
      text.setPaint(scale.isDark(cell.avgMonetary()) ? Color.WHITE : Color.BLACK);
      plot.addAnnotation(text);
    }
    NumberAxis money = new NumberAxis("avg monetary");
    money.setRange(
        scale.getLowerBound(),
        scale.getUpperBound() > scale.getLowerBound()
            ? scale.getUpperBound()
            : scale.getLowerBound() + 1);
    PaintScaleLegend legend = new PaintScaleLegend(scale, money);
    legend.setPosition(RectangleEdge.RIGHT);
    legend.setMargin(new RectangleInsets(10, 10, 10, 10));
    legend.setStripWidth(14);
    chart.addSubtitle(legend);
    return ReportCharts.svg(chart, WIDTH, 460);
  }

  /** Buyers per monetary bin on a log axis (the bin of money at or below 0 is left out). */
  static String monetaryHistogram(List<HistogramBin> bins) {
    XYIntervalSeries series = new XYIntervalSeries("buyers");
    for (HistogramBin bin : bins) {
      if (bin.lower().isPresent() && bin.lower().get() > 0) {
        double lower = bin.lower().get();
        double middle = Math.sqrt(lower * bin.upper());
        series.add(middle, lower, bin.upper(), bin.customers(), 0, bin.customers());
      }
    }
    XYIntervalSeriesCollection data = new XYIntervalSeriesCollection();
    data.addSeries(series);
    JFreeChart chart =
        ChartFactory.createXYBarChart(
            null,
            "monetary (log scale)",
            false,
            "buyers",
            data,
            PlotOrientation.VERTICAL,
            false,
            false,
            false);
    XYPlot plot = ReportCharts.themed(chart).getXYPlot();
    LogAxis money = new LogAxis("monetary (log scale)");
    money.setBase(10);
    money.setNumberFormatOverride(
        new DecimalFormat("#,##0.##", DecimalFormatSymbols.getInstance(Locale.ROOT)));
    money.setSmallestValue(0.01);
    money.setAutoTickUnitSelection(false);
    money.setTickUnit(new NumberTickUnit(1)); // one tick a decade: 10, 100, 1,000, …
    plot.setDomainAxis(money);
    XYBarRenderer renderer = (XYBarRenderer) plot.getRenderer();
    renderer.setBarPainter(new StandardXYBarPainter());
    renderer.setShadowVisible(false);
    renderer.setDrawBarOutline(true);
    renderer.setSeriesOutlinePaint(0, Color.WHITE);
    renderer.setSeriesPaint(0, CUSTOMERS_COLOUR);
    return ReportCharts.svg(chart, WIDTH, HEIGHT);
  }

  /** The Lorenz curve of revenue over buyers, against the line of perfect equality. */
  static String lorenzCurve(List<LorenzPoint> points, double gini) {
    XYSeries curve = new XYSeries(String.format("Lorenz curve (Gini %.3f)", gini));
    points.forEach(point -> curve.add(100 * point.customerShare(), 100 * point.valueShare()));
    XYSeries equality = new XYSeries("perfect equality");
    equality.add(0, 0);
    equality.add(100, 100);
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(curve);
    data.addSeries(equality);
    JFreeChart chart =
        ChartFactory.createXYLineChart(null, "% of buyers, poorest first", "% of revenue", data);
    XYPlot plot = ReportCharts.themed(chart).getXYPlot();
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    renderer.setSeriesPaint(0, REVENUE_COLOUR);
    renderer.setSeriesStroke(0, new BasicStroke(3f));
    renderer.setSeriesPaint(1, Color.GRAY);
    renderer.setSeriesStroke(
        1,
        new BasicStroke(
            1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
    plot.setRenderer(renderer);
    for (NumberAxis axis :
        List.of((NumberAxis) plot.getDomainAxis(), (NumberAxis) plot.getRangeAxis())) {
      axis.setRange(0, 100);
      axis.setTickUnit(new NumberTickUnit(20));
    }
    return ReportCharts.svg(chart, 520, 460);
  }

  private static NumberAxis scoreAxis(String label, int scoreMax) {
    NumberAxis axis = new NumberAxis(label);
    axis.setRange(0.5, scoreMax + 0.5);
    axis.setTickUnit(new NumberTickUnit(1));
    axis.setAxisLineVisible(false);
    return axis;
  }
}
