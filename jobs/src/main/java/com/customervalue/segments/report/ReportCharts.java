package com.customervalue.segments.report;

import com.customervalue.segments.distribute.TierMigration;
import com.customervalue.segments.report.ReportFigures.HeatCell;
import com.customervalue.segments.report.ReportFigures.HistogramBin;
import com.customervalue.segments.report.ReportFigures.LorenzPoint;
import com.customervalue.segments.report.ReportFigures.Migration;
import com.customervalue.segments.report.ReportFigures.Segment;
import com.customervalue.segments.report.ReportFigures.Tier;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.GraphicsEnvironment;
import java.awt.Paint;
import java.awt.geom.Rectangle2D;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.StandardChartTheme;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.ViewBox;

/**
 * Draws the report's charts with JFreeChart as inline SVG elements: text stays text, so the browser
 * draws the tier names (金钻客户 …) with its own fonts and the charts scale sharply.
 */
public final class ReportCharts {
  /** The colours of the customers and revenue series; the browser test looks for them on screen. */
  public static final Color CUSTOMERS_COLOUR = new Color(0x4C, 0x72, 0xB0);

  public static final Color REVENUE_COLOUR = new Color(0xC9, 0xA2, 0x27);

  /** The ends of the heat map's scale, from the lowest to the highest average monetary. */
  public static final Color HEAT_LOW = new Color(0xFF, 0xF5, 0xD6);

  public static final Color HEAT_HIGH = new Color(0xB3, 0x00, 0x1B);

  static final int WIDTH = 860;
  static final int HEIGHT = 380;

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

  /**
   * Noto Sans CJK (Debian's fonts-noto-cjk) draws Chinese, Japanese and Korean tier names as well
   * as Latin text. Charts are laid out with the font Java measures text with, and the browser draws
   * the text, so both must use the same font for labels not to overlap.
   */
  private static final String CJK_FONT = "Noto Sans CJK SC";

  private static final String FONT_FAMILY =
      Arrays.asList(GraphicsEnvironment.getLocalGraphicsEnvironment().getAvailableFontFamilyNames())
              .contains(CJK_FONT)
          ? CJK_FONT
          : Font.SANS_SERIF;

  /** Unquoted: JFreeSVG puts it in a style attribute delimited by single quotes. */
  private static final String SVG_FONTS =
      FONT_FAMILY.equals(CJK_FONT) ? CJK_FONT + ", sans-serif" : "sans-serif";

  /** Numbers the charts, whose clip paths must have ids of their own on a page of several. */
  private static final AtomicLong CHARTS = new AtomicLong();

  private ReportCharts() {}

  /** Share of customers beside share of revenue, per tier. */
  public static String tierShares(List<Tier> tiers) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (Tier tier : tiers) {
      data.addValue(100 * tier.customerShare(), "Customers %", tier.name());
      data.addValue(100 * tier.revenueShare(), "Revenue %", tier.name());
    }
    JFreeChart chart = ChartFactory.createBarChart(null, null, "% of all", data);
    styleBars(chart, PlotOrientation.VERTICAL);
    return svg(chart, WIDTH, HEIGHT);
  }

  /**
   * Buyers by recency score (rows) and frequency score (columns): colour = average monetary, text =
   * buyers.
   */
  public static String rfmHeatMap(List<HeatCell> cells) {
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
        themed(new JFreeChart(null, new Font(FONT_FAMILY, Font.BOLD, 16), plot, false));
    plot.setDomainGridlinesVisible(false);
    plot.setRangeGridlinesVisible(false);
    Font label = new Font(FONT_FAMILY, Font.BOLD, 13);
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
    return svg(chart, WIDTH, 460);
  }

  /** Buyers per monetary bin on a log axis (the bin of money at or below 0 is left out). */
  public static String monetaryHistogram(List<HistogramBin> bins) {
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
    XYPlot plot = themed(chart).getXYPlot();
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
    return svg(chart, WIDTH, HEIGHT);
  }

  /** The Lorenz curve of revenue over buyers, against the line of perfect equality. */
  public static String lorenzCurve(List<LorenzPoint> points, double gini) {
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
    XYPlot plot = themed(chart).getXYPlot();
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
    return svg(chart, 520, 460);
  }

  /** Share of buyers beside share of revenue, per RFM segment. */
  public static String segmentShares(List<Segment> segments) {
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
    return svg(chart, WIDTH, Math.max(HEIGHT, 60 + 42 * segments.size()));
  }

  /**
   * Where this snapshot's customers of each tier came from: one bar per current tier, stacked by
   * the tier they had at the previous snapshot ({@code new}: not in it). Departed customers have no
   * current tier and are left to the table.
   */
  public static String migration(List<Migration> moves, List<Tier> tiers) {
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
    return svg(chart, WIDTH, HEIGHT);
  }

  private static NumberAxis scoreAxis(String label, int scoreMax) {
    NumberAxis axis = new NumberAxis(label);
    axis.setRange(0.5, scoreMax + 0.5);
    axis.setTickUnit(new NumberTickUnit(1));
    axis.setAxisLineVisible(false);
    return axis;
  }

  private static void styleBars(JFreeChart chart, PlotOrientation orientation) {
    themed(chart);
    CategoryPlot plot = chart.getCategoryPlot();
    plot.setOrientation(orientation);
    BarRenderer renderer = (BarRenderer) plot.getRenderer();
    renderer.setBarPainter(new StandardBarPainter());
    renderer.setShadowVisible(false);
    renderer.setItemMargin(0.05);
    renderer.setSeriesPaint(0, CUSTOMERS_COLOUR);
    renderer.setSeriesPaint(1, REVENUE_COLOUR);
  }

  /** Applies the report's fonts and plain white background; call before setting series colours. */
  private static JFreeChart themed(JFreeChart chart) {
    StandardChartTheme theme = (StandardChartTheme) StandardChartTheme.createJFreeTheme();
    theme.setExtraLargeFont(new Font(FONT_FAMILY, Font.BOLD, 16));
    theme.setLargeFont(new Font(FONT_FAMILY, Font.BOLD, 13));
    theme.setRegularFont(new Font(FONT_FAMILY, Font.PLAIN, 12));
    theme.setSmallFont(new Font(FONT_FAMILY, Font.PLAIN, 11));
    theme.apply(chart);
    Color grid = new Color(0xDD, 0xDD, 0xDD);
    chart.setBackgroundPaint(Color.WHITE);
    chart.getPlot().setBackgroundPaint(Color.WHITE);
    chart.getPlot().setOutlineVisible(false);
    if (chart.getPlot() instanceof CategoryPlot category) {
      category.setRangeGridlinePaint(grid);
    } else if (chart.getPlot() instanceof XYPlot xy) {
      xy.setRangeGridlinePaint(grid);
      xy.setDomainGridlinePaint(grid);
    }
    if (chart.getLegend() != null) {
      chart.getLegend().setFrame(BlockBorder.NONE);
      chart.getLegend().setPosition(RectangleEdge.TOP);
    }
    return chart;
  }

  private static String svg(JFreeChart chart, int width, int height) {
    SVGGraphics2D graphics = new SVGGraphics2D(width, height);
    graphics.setDefsKeyPrefix("chart" + CHARTS.incrementAndGet() + "-");
    graphics.setFontFunction(family -> SVG_FONTS);
    chart.draw(graphics, new Rectangle2D.Double(0, 0, width, height));
    return graphics.getSVGElement(null, false, new ViewBox(0, 0, width, height), null, null);
  }

  /**
   * Pale yellow to deep red over the logarithm of the average monetary: a handful of very valuable
   * cells would otherwise leave the rest of the grid one colour.
   */
  private static final class HeatScale implements PaintScale {
    private final double low;
    private final double high;

    HeatScale(double low, double high) {
      this.low = low;
      this.high = high;
    }

    @Override
    public double getLowerBound() {
      return low;
    }

    @Override
    public double getUpperBound() {
      return high;
    }

    @Override
    public Paint getPaint(double value) {
      double position = position(value);
      return new Color(
          mix(HEAT_LOW.getRed(), HEAT_HIGH.getRed(), position),
          mix(HEAT_LOW.getGreen(), HEAT_HIGH.getGreen(), position),
          mix(HEAT_LOW.getBlue(), HEAT_HIGH.getBlue(), position));
    }

    boolean isDark(double value) {
      return position(value) > 0.55;
    }

    private double position(double value) {
      if (!(high > low) || !(value > 0) || !(low > 0)) {
        return high > low ? (value - low) / (high - low) : 0.5;
      }
      return Math.max(0, Math.min(1, Math.log(value / low) / Math.log(high / low)));
    }

    private static int mix(int from, int to, double position) {
      return (int) Math.round(from + (to - from) * position);
    }
  }
}
