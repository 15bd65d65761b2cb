package com.customervalue.segments.report;

import static com.customervalue.segments.report.ReportCharts.HEAT_HIGH;
import static com.customervalue.segments.report.ReportCharts.HEAT_LOW;

import java.awt.Color;
import java.awt.Paint;
import org.jfree.chart.renderer.PaintScale;

/**
 * The heat maps' colours, pale yellow to deep red over the logarithm of the average monetary (a
 * handful of very valuable cells would otherwise leave the rest of the grid one colour), or
 * linearly from 0 for shares; values beyond the bounds take the colour of the nearest bound.
 */
final class HeatScale implements PaintScale {
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

  /** Whether a cell of {@code value} is dark enough to need white text. */
  boolean isDark(double value) {
    return position(value) > 0.55;
  }

  private double position(double value) {
    if (!(high > low) || !(value > 0) || !(low > 0)) {
      return high > low ? Math.max(0, Math.min(1, (value - low) / (high - low))) : 0.5;
    }
    return Math.max(0, Math.min(1, Math.log(value / low) / Math.log(high / low)));
  }

  private static int mix(int from, int to, double position) {
    return (int) Math.round(from + (to - from) * position);
  }
}
