package com.customervalue.segments.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.GraphicsEnvironment;
import java.awt.geom.Rectangle2D;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.StandardChartTheme;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.ViewBox;

/**
 * The look every chart of the report shares, its colours, fonts and theme, and the drawing of a
 * JFreeChart as an inline SVG element: text stays text, so the browser draws the tier names (金钻客户
 * …) with its own fonts and the charts scale sharply.
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

  /** The report's font family, in {@code style} ({@link Font#BOLD} …) and {@code size} points. */
  static Font font(int style, int size) {
    return new Font(FONT_FAMILY, style, size);
  }

  /** Applies the report's fonts and plain white background; call before setting series colours. */
  static JFreeChart themed(JFreeChart chart) {
    StandardChartTheme theme = (StandardChartTheme) StandardChartTheme.createJFreeTheme();
    theme.setExtraLargeFont(font(Font.BOLD, 16));
    theme.setLargeFont(font(Font.BOLD, 13));
    theme.setRegularFont(font(Font.PLAIN, 12));
    theme.setSmallFont(font(Font.PLAIN, 11));
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

  /** The chart drawn as an {@code <svg>} element that scales to the width of its container. */
  static String svg(JFreeChart chart, int width, int height) {
    SVGGraphics2D graphics = new SVGGraphics2D(width, height);
    graphics.setDefsKeyPrefix("chart" + CHARTS.incrementAndGet() + "-");
    graphics.setFontFunction(family -> SVG_FONTS);
    chart.draw(graphics, new Rectangle2D.Double(0, 0, width, height));
    return graphics.getSVGElement(null, false, new ViewBox(0, 0, width, height), null, null);
  }
}
