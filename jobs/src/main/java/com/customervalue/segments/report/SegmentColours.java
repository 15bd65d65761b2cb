package com.customervalue.segments.report;

import java.awt.Color;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The colour of each RFM segment on the segment map: greens for the engaged, blues for the new,
 * ambers for those slipping, reds for the valuable lapsed, greys for the lost; segments of other
 * names take the colours of a spare palette in turn.
 */
final class SegmentColours {
  /** Champions' colour; the browser test looks for it on screen. */
  static final Color CHAMPIONS = new Color(0x1B, 0x78, 0x37);

  /** Can't Lose Them's colour; the browser test looks for it on screen. */
  static final Color CANT_LOSE_THEM = new Color(0xB2, 0x18, 0x2B);

  private static final Map<String, Color> KNOWN =
      Map.ofEntries(
          Map.entry("Champions", CHAMPIONS),
          Map.entry("Loyal Customers", new Color(0x5A, 0xAE, 0x61)),
          Map.entry("Potential Loyalist", new Color(0xA6, 0xDB, 0xA0)),
          Map.entry("New Customers", new Color(0x92, 0xC5, 0xDE)),
          Map.entry("Promising", new Color(0x43, 0x93, 0xC3)),
          Map.entry("Need Attention", new Color(0xFE, 0xE0, 0x8B)),
          Map.entry("About To Sleep", new Color(0xFD, 0xAE, 0x61)),
          Map.entry("At Risk", new Color(0xF4, 0x6D, 0x43)),
          Map.entry("Can't Lose Them", CANT_LOSE_THEM),
          Map.entry("Hibernating", new Color(0xBA, 0xBA, 0xBA)),
          Map.entry("Lost", new Color(0x87, 0x87, 0x87)),
          Map.entry("Others", new Color(0xEE, 0xEE, 0xEE)));

  private static final List<Color> SPARE =
      List.of(
          new Color(0x76, 0x2A, 0x83),
          new Color(0xC2, 0xA5, 0xCF),
          new Color(0x8C, 0x51, 0x0A),
          new Color(0xDF, 0xC2, 0x7D),
          new Color(0x01, 0x66, 0x5E),
          new Color(0x80, 0xCD, 0xC1));

  private final Map<String, Color> colours = new LinkedHashMap<>();

  /** Colours for {@code segments}, in the order given. */
  SegmentColours(List<String> segments) {
    int spare = 0;
    for (String segment : segments) {
      Color known = KNOWN.get(segment);
      colours.put(segment, known != null ? known : SPARE.get(spare++ % SPARE.size()));
    }
  }

  /** The CSS colour of a segment given to the constructor, e.g. {@code #1b7837}. */
  String background(String segment) {
    Color colour = colours.get(segment);
    return String.format(
        Locale.ROOT, "#%02x%02x%02x", colour.getRed(), colour.getGreen(), colour.getBlue());
  }

  /** The text colour that reads on the segment's background: white on dark ones. */
  String text(String segment) {
    Color colour = colours.get(segment);
    double luminance =
        0.299 * colour.getRed() + 0.587 * colour.getGreen() + 0.114 * colour.getBlue();
    return luminance < 140 ? "#fff" : "#222";
  }
}
